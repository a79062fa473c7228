/**
 * Stage-wide throttling of the REST API, from `custom.stageThrottling: {burstLimit, rateLimit}`.
 *
 * Why after the deploy, and not in the template: osls creates the stage through an
 * AWS::ApiGateway::Deployment whose logical id changes on every deploy. CloudFormation accepts a
 * StageDescription (the stage's settings) on it only while the stage does not exist yet; on the second
 * deploy it refuses the new one ("StageDescription cannot be specified when stage referenced by StageName
 * already exists"). So the template leaves the stage's settings alone, and after every deploy this plugin
 * sets them with one API Gateway UpdateStage call. Later deployments of the stage keep them.
 *
 * The limits are also written to the stack outputs (StageThrottling): the packaged template shows them, and
 * changing them is a change to deploy.
 */
const { APIGatewayClient, UpdateStageCommand } = require('@aws-sdk/client-api-gateway');
const { CloudFormationClient, DescribeStackResourceCommand } = require('@aws-sdk/client-cloudformation');

const OUTPUT = 'StageThrottling';

/** The limits, checked: a whole burstLimit >= 1 and a rateLimit > 0 (requests per second). */
function limitsOf(settings, ServerlessError) {
  const burstLimit = Number(settings.burstLimit);
  const rateLimit = Number(settings.rateLimit);
  if (!Number.isInteger(burstLimit) || burstLimit < 1 || !(rateLimit > 0)) {
    throw new ServerlessError(
      'custom.stageThrottling needs a whole burstLimit >= 1 and a rateLimit > 0 (requests per second).',
    );
  }
  return { burstLimit, rateLimit };
}

/** The UpdateStage patch: `/*\/*` is every resource and method of the stage (its default method settings). */
function patchOperations({ burstLimit, rateLimit }) {
  return [
    { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(burstLimit) },
    { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(rateLimit) },
  ];
}

class StageThrottling {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log ?? { notice: (message) => console.log(message) };
    this.hooks = {
      'before:package:finalize': () => this.describe(),
      'after:deploy:deploy': () => this.apply(),
    };
  }

  settings() {
    const settings = this.serverless.service.custom?.stageThrottling;
    return settings ? limitsOf(settings, this.serverless.classes.Error) : undefined;
  }

  /** Put the limits in the template's outputs, where a reader (and a test) sees them. */
  describe() {
    const limits = this.settings();
    if (!limits) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    template.Outputs = template.Outputs ?? {};
    template.Outputs[OUTPUT] = {
      Description: 'Every method of the stage, set after each deploy by plugins/stage-throttling.js',
      Value: `burstLimit=${limits.burstLimit} rateLimit=${limits.rateLimit}`,
    };
  }

  /** After a deploy: find the REST API the stack made, and throttle its stage. */
  async apply() {
    const limits = this.settings();
    if (!limits) return;
    const provider = this.serverless.getProvider('aws');
    const config = await provider.getAwsSdkV3Config();
    const stage = provider.getApiGatewayStage();
    const { StackResourceDetail } = await new CloudFormationClient(config).send(
      new DescribeStackResourceCommand({
        StackName: provider.naming.getStackName(),
        LogicalResourceId: provider.naming.getRestApiLogicalId(),
      }),
    );
    await new APIGatewayClient(config).send(
      new UpdateStageCommand({
        restApiId: StackResourceDetail.PhysicalResourceId,
        stageName: stage,
        patchOperations: patchOperations(limits),
      }),
    );
    this.log.notice(
      `Stage ${stage} throttled: ${limits.rateLimit} requests/s, bursts of ${limits.burstLimit} (plugins/stage-throttling.js)`,
    );
  }
}

module.exports = StageThrottling;
module.exports.patchOperations = patchOperations;
