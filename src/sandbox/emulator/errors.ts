// REST errors as the portal reports them: a code, a text and the HTTP status that goes with them.

export class RestError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly httpStatus: number,
    /** Further fields of the error answer (OPERATION_TIME_LIMIT carries `operating_reset_at`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code || '(empty code)'}: ${description}`);
    this.name = 'RestError';
  }

  toBody(): Record<string, unknown> & { error: string; error_description: string } {
    return { error: this.code, error_description: this.description, ...this.extra };
  }
}

/** Errors shared by the whole REST platform (bitrix24-api.md §1.5). */
export const SystemErrors = {
  noAuth: () => new RestError('NO_AUTH_FOUND', 'Wrong authorization data', 401),
  expiredToken: () => new RestError('expired_token', 'The access token provided has expired.', 401),
  /** The application's trial or paid period is over (oauth index page); [unconfirmed] HTTP 402. */
  paymentRequired: () => new RestError('PAYMENT_REQUIRED', 'Payment required', 402),
  insufficientScope: () =>
    new RestError('insufficient_scope', 'The request requires higher privileges than provided by the access token', 403),
  methodNotFound: () => new RestError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404),
  queryLimit: () => new RestError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503),
  /**
   * The method's operating-time budget is spent (api doc §17). The docs show `operating_reset_at` only in
   * success `time` blocks; [unconfirmed] the emulator also puts it on the error, as Unix seconds.
   */
  operatingLimit: (resetAtSec: number) =>
    new RestError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', 429, { operating_reset_at: resetAtSec }),
  internal: () => new RestError('INTERNAL_SERVER_ERROR', 'Internal server error', 500),
  batchLength: () => new RestError('ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded', 400),
  batchMethod: () => new RestError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage', 405),
  accessDenied: (text = 'Access denied') => new RestError('ACCESS_DENIED', text, 403),
} as const;

/** imbot.v2 controller errors: always HTTP 400, first error only (bot doc §1.5). */
export function imbotError(code: string, description: string): RestError {
  return new RestError(code, description, 400);
}

/** sonet_group.* errors: HTTP 400 with an empty code and only a text (api doc §13). */
export function sonetError(text: string): RestError {
  return new RestError('', text, 400);
}

/**
 * A required argument of an Engine controller action is missing. The docs do not name the code;
 * [unconfirmed] we answer 400 INVALID_ARGUMENTS with the controller's usual text.
 */
export function missingArgument(name: string): RestError {
  return new RestError('INVALID_ARGUMENTS', `Could not find value for parameter {${name}}`, 400);
}
