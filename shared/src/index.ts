export { type Bill, type BillParseResult, formatBillReference, maskEmail, parseBillReference } from './bill';
export { decode, encode, InvalidSignatureError } from './legacy-codec';
export {
  checkToken,
  type Keyring,
  KeyringError,
  looksLikeToken,
  MAX_TOKEN_LENGTH,
  parseKeyring,
  type SignOptions,
  sign,
  type TokenCheck,
  type TokenFailure,
} from './token';
