import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised when a task is created with deliveries the application does not accept. */
export const deliveryErrorCodes = defineErrorCatalog({
  DELIVERY_INVALID: { statusCode: 400, description: 'The `deliveries` of a task are malformed: not an array of at most 5 e-mail or webhook deliveries.' },
  DELIVERY_ADDRESS_INVALID: { statusCode: 400, description: 'An e-mail delivery names an address that is not a valid e-mail address.' },
  DELIVERY_ADDRESS_MISSING: {
    statusCode: 400,
    description: 'An e-mail delivery names no address and the caller has none on record to default to.',
  },
  DELIVERY_URL_NOT_ALLOWED: {
    statusCode: 400,
    description: "A webhook URL is not an http(s) URL on an origin of the application's allow-list (none by default): webhooks never reach other hosts.",
  },
  DELIVERY_KIND_UNAVAILABLE: { statusCode: 400, description: 'The application does not deliver by this kind (e.g. no SMTP server is configured for e-mail).' },
});

/** A delivery asked for at task creation that cannot be accepted. */
export class DeliveryError extends SluiceError {
  static invalid(path: string, message: string): DeliveryError {
    return new DeliveryError('DELIVERY_INVALID', `deliveries${path}: ${message}`, { details: { path: `deliveries${path}` } });
  }

  static addressInvalid(index: number): DeliveryError {
    return new DeliveryError('DELIVERY_ADDRESS_INVALID', `deliveries[${index}].to is not a valid e-mail address`, {
      details: { path: `deliveries[${index}].to` },
    });
  }

  static addressMissing(index: number): DeliveryError {
    return new DeliveryError('DELIVERY_ADDRESS_MISSING', `deliveries[${index}].to: you have no e-mail address on record; give one`, {
      details: { path: `deliveries[${index}].to` },
    });
  }

  static urlNotAllowed(index: number, reason: string): DeliveryError {
    return new DeliveryError('DELIVERY_URL_NOT_ALLOWED', `deliveries[${index}].url: ${reason}`, { details: { path: `deliveries[${index}].url` } });
  }

  static kindUnavailable(index: number, kind: string): DeliveryError {
    return new DeliveryError('DELIVERY_KIND_UNAVAILABLE', `deliveries[${index}]: this server does not deliver by ${kind}`, {
      details: { path: `deliveries[${index}].kind`, kind },
    });
  }
}
