/**
 * The input shapes of the operations the local endpoint serves, as the CloudWatch Logs API reference
 * documents them (types, lengths, counts, patterns), and the check every request passes before anything
 * runs. A value of the wrong type is refused as AWS's JSON protocol does (SerializationException), a value
 * outside its constraints as the service does ("1 validation error detected: ..."), both 400.
 *
 * The check walks the shape, never the value: members the shape does not name are ignored (as AWS ignores
 * them) and never read, so no input, however deep or odd, reaches code that could throw on it.
 */
import { AwsError, MAX_BATCH_EVENTS } from './store';

type Shape =
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly pattern?: RegExp;
      readonly enum?: readonly string[];
    }
  | { readonly type: 'long' | 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'list'; readonly member: Shape; readonly min?: number; readonly max?: number }
  | {
      readonly type: 'map';
      readonly key: Shape;
      readonly value: Shape;
      readonly min?: number;
      readonly max?: number;
    }
  | {
      readonly type: 'structure';
      readonly members: Readonly<Record<string, Shape>>;
      readonly required?: readonly string[];
    };

const str = (min?: number, max?: number, pattern?: RegExp): Shape => ({ type: 'string', min, max, pattern });
const list = (member: Shape, min?: number, max?: number): Shape => ({ type: 'list', member, min, max });
const long: Shape = { type: 'long', min: 0 };
const bool: Shape = { type: 'boolean' };
const structure = (members: Record<string, Shape>, required: string[] = []): Shape => ({
  type: 'structure',
  members,
  required,
});

const LogGroupName = str(1, 512, /^[.\-_/#A-Za-z0-9]+$/);
const LogStreamName = str(1, 512, /^[^:*]*$/);
const LogGroupIdentifier = str(1, 2048, /^[\w#+=/:,.@-]*$/);
const NextToken = str(1);
const FilterPattern = str(0, 1024);
const TagKey = str(1, 128, /^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$/u);
const TagValue = str(0, 256, /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u);
const LogGroupClass: Shape = { type: 'string', enum: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] };
const Limit = (max: number): Shape => ({ type: 'integer', min: 1, max });

/** The members each operation reads; what is documented but not served here is still checked for shape. */
export const SHAPES: Readonly<Record<string, Shape>> = {
  CreateLogGroup: structure(
    {
      logGroupName: LogGroupName,
      kmsKeyId: str(0, 256),
      tags: { type: 'map', key: TagKey, value: TagValue, min: 1, max: 50 },
      logGroupClass: LogGroupClass,
    },
    ['logGroupName'],
  ),
  CreateLogStream: structure({ logGroupName: LogGroupName, logStreamName: LogStreamName }, [
    'logGroupName',
    'logStreamName',
  ]),
  DeleteLogGroup: structure({ logGroupName: LogGroupName }, ['logGroupName']),
  DeleteLogStream: structure({ logGroupName: LogGroupName, logStreamName: LogStreamName }, [
    'logGroupName',
    'logStreamName',
  ]),
  PutRetentionPolicy: structure({ logGroupName: LogGroupName, retentionInDays: { type: 'integer' } }, [
    'logGroupName',
    'retentionInDays',
  ]),
  DeleteRetentionPolicy: structure({ logGroupName: LogGroupName }, ['logGroupName']),
  DescribeLogGroups: structure({
    accountIdentifiers: list(str(12, 12, /^\d{12}$/), 0, 20),
    logGroupNamePrefix: LogGroupName,
    logGroupNamePattern: str(0, 512, /^[.\-_/#A-Za-z0-9]*$/),
    nextToken: NextToken,
    limit: Limit(50),
    includeLinkedAccounts: bool,
    logGroupClass: LogGroupClass,
    logGroupIdentifiers: list(LogGroupIdentifier, 1, 50),
  }),
  DescribeLogStreams: structure({
    logGroupName: LogGroupName,
    logGroupIdentifier: LogGroupIdentifier,
    logStreamNamePrefix: LogStreamName,
    orderBy: { type: 'string', enum: ['LogStreamName', 'LastEventTime'] },
    descending: bool,
    nextToken: NextToken,
    limit: Limit(50),
  }),
  PutLogEvents: structure(
    {
      logGroupName: LogGroupName,
      logStreamName: LogStreamName,
      logEvents: list(
        structure({ timestamp: long, message: str(1) }, ['timestamp', 'message']),
        1,
        MAX_BATCH_EVENTS,
      ),
      sequenceToken: str(1),
      entity: structure({
        keyAttributes: { type: 'map', key: str(1, 32), value: str(1, 512), min: 2, max: 4 },
        attributes: { type: 'map', key: str(1, 256), value: str(1, 512), min: 0, max: 10 },
      }),
    },
    ['logGroupName', 'logStreamName', 'logEvents'],
  ),
  GetLogEvents: structure(
    {
      logGroupName: LogGroupName,
      logGroupIdentifier: LogGroupIdentifier,
      logStreamName: LogStreamName,
      startTime: long,
      endTime: long,
      nextToken: NextToken,
      limit: Limit(10_000),
      startFromHead: bool,
      unmask: bool,
    },
    ['logStreamName'],
  ),
  FilterLogEvents: structure({
    logGroupName: LogGroupName,
    logGroupIdentifier: LogGroupIdentifier,
    logStreamNames: list(LogStreamName, 1, 100),
    logStreamNamePrefix: LogStreamName,
    startTime: long,
    endTime: long,
    filterPattern: FilterPattern,
    nextToken: NextToken,
    limit: Limit(10_000),
    interleaved: bool,
    unmask: bool,
  }),
  StartLiveTail: structure(
    {
      logGroupIdentifiers: list(LogGroupIdentifier, 1, 10),
      logStreamNames: list(LogStreamName, 1, 100),
      logStreamNamePrefixes: list(LogStreamName, 1, 100),
      logEventFilterPattern: FilterPattern,
    },
    ['logGroupIdentifiers'],
  ),
};

/** A value for a message: strings (cut short) and numbers as they are, anything else by its kind. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}...` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function wrongType(at: string, expected: string, value: unknown): AwsError {
  return new AwsError(
    'SerializationException',
    `${at} must be ${expected}, not ${kindOf(value)}: see the CloudWatch Logs API reference for this operation.`,
  );
}

function constraint(at: string, value: unknown, what: string): AwsError {
  return new AwsError(
    'InvalidParameterException',
    `1 validation error detected: Value '${shown(value)}' at '${at}' failed to satisfy constraint: Member must ${what}`,
  );
}

function check(value: unknown, shape: Shape, at: string): void {
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') throw wrongType(at, 'a string', value);
      if (shape.enum && !shape.enum.includes(value)) {
        throw constraint(at, value, `satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      if (shape.min !== undefined && value.length < shape.min) {
        throw constraint(at, value, `have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        throw constraint(at, value, `have length less than or equal to ${shape.max}`);
      }
      if (shape.pattern && !shape.pattern.test(value)) {
        throw constraint(
          at,
          value,
          `satisfy regular expression pattern: ${shape.pattern.source.slice(1, -1)}`,
        );
      }
      return;
    }
    case 'long':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(at, 'a number', value);
      if (!Number.isSafeInteger(value)) throw wrongType(at, 'a whole number', value);
      if (shape.type === 'integer' && (value > 2 ** 31 - 1 || value < -(2 ** 31))) {
        throw wrongType(at, 'a 32-bit integer', value);
      }
      if (shape.min !== undefined && value < shape.min) {
        throw constraint(at, value, `have value greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value > shape.max) {
        throw constraint(at, value, `have value less than or equal to ${shape.max}`);
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(at, 'true or false', value);
      return;
    case 'list': {
      if (!Array.isArray(value)) throw wrongType(at, 'a list', value);
      if (shape.min !== undefined && value.length < shape.min) {
        throw constraint(at, `${value.length} items`, `have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        throw constraint(at, `${value.length} items`, `have length less than or equal to ${shape.max}`);
      }
      for (let i = 0; i < value.length; i++) check(value[i], shape.member, `${at}.${i + 1}.member`);
      return;
    }
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw wrongType(at, 'an object', value);
      const keys = Object.keys(value);
      if (shape.min !== undefined && keys.length < shape.min) {
        throw constraint(at, `${keys.length} entries`, `have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && keys.length > shape.max) {
        throw constraint(at, `${keys.length} entries`, `have length less than or equal to ${shape.max}`);
      }
      for (const key of keys) {
        check(key, shape.key, `${at}.key`);
        check((value as Record<string, unknown>)[key], shape.value, `${at}.${key}`);
      }
      return;
    }
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw wrongType(at || 'The request body', 'an object', value);
      const input = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (!Object.hasOwn(input, name) || input[name] === null) {
          throw constraint(`${at ? `${at}.` : ''}${name}`, null, 'not be null');
        }
      }
      for (const [name, member] of Object.entries(shape.members)) {
        if (!Object.hasOwn(input, name)) continue;
        const item = input[name];
        // AWS's JSON protocol reads a null member as absent.
        if (item === null) continue;
        check(item, member, at ? `${at}.${name}` : name);
      }
      return;
    }
  }
}

/**
 * Check `input` against the operation's documented shape; throws an AwsError (400) on the first mismatch.
 * Returns the input with null members removed, so later code sees only absent or well-formed members.
 */
export function validateInput(operation: string, input: unknown): Record<string, unknown> {
  const shape = SHAPES[operation];
  if (shape?.type !== 'structure') {
    throw new AwsError(
      'UnknownOperationException',
      `The local CloudWatch Logs endpoint does not serve ${operation}.`,
    );
  }
  check(input, shape, '');
  const clean: Record<string, unknown> = {};
  for (const name of Object.keys(shape.members)) {
    const value = (input as Record<string, unknown>)[name];
    if (Object.hasOwn(input as object, name) && value !== null && value !== undefined) clean[name] = value;
  }
  return clean;
}
