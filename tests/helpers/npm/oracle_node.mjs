// What Node's own X.509 parser (node:crypto, i.e. OpenSSL) says about a
// certificate, as plain data. The Node suite uses it live; the browser
// driver computes it in Node and hands it to the page, which has no
// node:crypto.
import { X509Certificate } from "node:crypto";

// Node prints OpenSSL's short names, like zon, except for these few.
const NAME_ALIASES = {
  GN: "GN",
  givenName: "GN",
  surname: "SN",
  streetAddress: "street",
  uid: "UID",
};

const NODE_CURVES = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

/** node:crypto's one-attribute-per-line name as `type=value` strings. */
function nameLines(text) {
  return text.split("\n").filter((line) => line !== "")
    .flatMap((line) => line.split(/\s*(?<!\\)\+\s*/))
    .map((line) => {
      const eq = line.indexOf("=");
      const type = line.slice(0, eq);
      // RFC 2253 escapes (`DigiCert\, Inc.`) are presentation only.
      const value = line.slice(eq + 1).replace(/\\(.)/g, "$1");
      return `${NAME_ALIASES[type] ?? type}=${value}`;
    });
}

/** The facts the checks compare against, for one PEM certificate. */
export function x509Facts(pem) {
  const cert = new X509Certificate(pem);
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  return {
    derHex: cert.raw.toString("hex"),
    fingerprintSha256: cert.fingerprint256.replaceAll(":", "").toLowerCase(),
    serialNumber: cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    subject: nameLines(cert.subject),
    issuer: nameLines(cert.issuer),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    keyType: key.asymmetricKeyType,
    bits: details.modulusLength,
    curve: details.namedCurve === undefined
      ? undefined
      : NODE_CURVES[details.namedCurve] ?? details.namedCurve,
    ca: cert.ca,
  };
}
