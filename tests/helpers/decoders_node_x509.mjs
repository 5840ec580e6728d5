// Oracle helper for tests/x509_test.ts, run with real Node (not Deno's
// node:crypto polyfill): reads a JSON array of PEM certificates from the file
// named by argv[2] and prints, as JSON, what Node's crypto.X509Certificate
// (OpenSSL underneath) reports for each.
//
//   node tests/helpers/decoders_node_x509.mjs certificates.json
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

const pems = JSON.parse(readFileSync(process.argv[2], "utf8"));
const facts = pems.map((pem) => {
  try {
    const cert = new X509Certificate(pem);
    let key;
    try {
      const publicKey = cert.publicKey;
      key = {
        type: publicKey.asymmetricKeyType ?? null,
        modulusLength: publicKey.asymmetricKeyDetails?.modulusLength ?? null,
        namedCurve: publicKey.asymmetricKeyDetails?.namedCurve ?? null,
      };
    } catch (error) {
      key = { error: String(error) };
    }
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      subjectAltName: cert.subjectAltName ?? null,
      serialNumber: cert.serialNumber,
      validFrom: cert.validFrom,
      validTo: cert.validTo,
      fingerprint256: cert.fingerprint256,
      ca: cert.ca,
      key,
    };
  } catch (error) {
    return { error: String(error) };
  }
});
process.stdout.write(JSON.stringify(facts));
