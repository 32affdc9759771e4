// The messaging TwiML of every SMS answer, written as a string: the same bytes as the twilio library's
// MessagingResponse (tested against it in twiml.test.ts), without building an xmlbuilder document of
// several objects per message on every turn (the SMS path's TwiML was ~2 % of the server's CPU profile).
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

// Characters XML 1.0 does not allow, as xmlbuilder checks them (a lone surrogate included).
const ILLEGAL_XML_CHAR =
  /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;
const TEXT_SPECIAL = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/** A text node's content; a character XML cannot carry throws, as the twilio builder does. */
function textNode(text: string): string {
  const match = ILLEGAL_XML_CHAR.exec(text);
  if (match) throw new Error(`Invalid character in string: ${text} at index ${match.index}`);
  return text.replace(TEXT_SPECIAL, (c) => TEXT_ESCAPES[c]!);
}

/** `<Response>` with one `<Message>` per body (none: an empty response). */
export function messagingTwiml(bodies: readonly string[]): string {
  if (bodies.length === 0) return `${XML_DECLARATION}<Response/>`;
  let xml = `${XML_DECLARATION}<Response>`;
  for (const body of bodies) xml += body === '' ? '<Message/>' : `<Message>${textNode(body)}</Message>`;
  return `${xml}</Response>`;
}

export const emptyMessagingTwiml = (): string => `${XML_DECLARATION}<Response/>`;
