export { type Bill, type BillParseResult, formatBillReference, maskEmail, parseBillReference } from './bill';
export { decode, encode, InvalidSignatureError } from './legacy-codec';
export {
  type Keyring,
  KeyringError,
  looksLikeToken,
  MAX_TOKEN_LENGTH,
  parseKeyring,
  type SignOptions,
  sign,
  type TokenFailure,
  type TokenCheck,
  checkToken,
} from './token';
