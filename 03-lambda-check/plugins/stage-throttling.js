/**
 * Throttling on the API Gateway stage, visible in the CloudFormation template.
 *
 * osls creates the stage through an AWS::ApiGateway::Deployment whose logical id changes on every deploy,
 * so serverless.yml cannot reach it with `resources`. This hook sets the deployment's StageDescription
 * (the stage's default method settings) from `custom.stageThrottling: {burstLimit, rateLimit}`.
 */
class StageThrottling {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.apply() };
  }

  apply() {
    const settings = this.serverless.service.custom?.stageThrottling;
    if (!settings) return;
    const burstLimit = Number(settings.burstLimit);
    const rateLimit = Number(settings.rateLimit);
    if (!Number.isInteger(burstLimit) || burstLimit < 1 || !(rateLimit > 0)) {
      throw new this.serverless.classes.Error(
        'custom.stageThrottling needs a whole burstLimit >= 1 and a rateLimit > 0 (requests per second).',
      );
    }
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const deployments = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Deployment');
    for (const deployment of deployments) {
      deployment.Properties.StageDescription = {
        ...deployment.Properties.StageDescription,
        MethodSettings: [
          {
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingBurstLimit: burstLimit,
            ThrottlingRateLimit: rateLimit,
          },
        ],
      };
    }
  }
}

module.exports = StageThrottling;
