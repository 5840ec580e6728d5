#!/usr/bin/env python3
"""Test helper (not a test): what Debian's python3-cryptography says about
certificates, as JSON, for tests/x509_corpus_test.ts.

stdin: a JSON list of base64 DER certificates. stdout: a JSON list, one
object per certificate: {"error": "..."} when cryptography cannot load it,
otherwise the fields the decoder reports, each either a value or
{"error": "..."} when cryptography refuses that part.
"""
import base64
import calendar
import hashlib
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec


def general_name(name):
    """A GeneralName as the test's comparable text."""
    if isinstance(name, x509.DNSName):
        return "dns:" + name.value
    if isinstance(name, x509.RFC822Name):
        return "email:" + name.value
    if isinstance(name, x509.UniformResourceIdentifier):
        return "uri:" + name.value
    if isinstance(name, x509.IPAddress):
        value = name.value
        if hasattr(value, "with_prefixlen"):
            return "ipnet:" + value.with_prefixlen
        return "ip:" + str(value)
    if isinstance(name, x509.RegisteredID):
        return "rid:" + name.value.dotted_string
    if isinstance(name, x509.DirectoryName):
        return "dir:" + json.dumps(separators=(",", ":"), obj=
            [[a.oid.dotted_string, a.value] for a in name.value]
        )
    if isinstance(name, x509.OtherName):
        return "other:" + name.type_id.dotted_string + ":" + name.value.hex()
    return "unknown:" + repr(name)


def general_names(names):
    return [general_name(n) for n in names] if names is not None else None


def notice(n):
    ref = n.notice_reference
    return {
        "organization": ref.organization if ref else None,
        "noticeNumbers": list(ref.notice_numbers) if ref else None,
        "explicitText": n.explicit_text,
    }


def policies(value):
    out = []
    for p in value:
        quals = p.policy_qualifiers or []
        out.append({
            "oid": p.policy_identifier.dotted_string,
            "cpsUris": [q for q in quals if isinstance(q, str)],
            "userNotices": [notice(q) for q in quals if isinstance(q, x509.UserNotice)],
        })
    return out


def points(value):
    out = []
    for p in value:
        out.append({
            "fullName": general_names(p.full_name),
            "relativeName": [[a.oid.dotted_string, a.value] for a in p.relative_name]
            if p.relative_name is not None else None,
            "reasons": sorted(r.name for r in p.reasons) if p.reasons else None,
            "crlIssuer": general_names(p.crl_issuer),
        })
    return out


def millis(moment):
    return calendar.timegm(moment.utctimetuple()) * 1000 + moment.microsecond // 1000


def scts(value):
    out = []
    for s in value:
        entry = {"logId": s.log_id.hex(), "timestamp": millis(s.timestamp),
                 "version": s.version.value}
        if hasattr(s, "signature_hash_algorithm"):
            entry["hashAlgorithm"] = s.signature_hash_algorithm.name
            entry["signatureAlgorithm"] = s.signature_algorithm.name.lower()
            entry["signature"] = s.signature.hex()
        out.append(entry)
    return out


def extension_value(ext):
    v = ext.value
    if isinstance(v, x509.CertificatePolicies):
        return policies(v)
    if isinstance(v, (x509.CRLDistributionPoints, x509.FreshestCRL)):
        return points(v)
    if isinstance(v, (x509.AuthorityInformationAccess, x509.SubjectInformationAccess)):
        return [[d.access_method.dotted_string, general_name(d.access_location)] for d in v]
    if isinstance(v, x509.NameConstraints):
        return {"permitted": general_names(v.permitted_subtrees) or [],
                "excluded": general_names(v.excluded_subtrees) or []}
    if isinstance(v, x509.PolicyConstraints):
        return {"requireExplicitPolicy": v.require_explicit_policy,
                "inhibitPolicyMapping": v.inhibit_policy_mapping}
    if isinstance(v, x509.InhibitAnyPolicy):
        return v.skip_certs
    if isinstance(v, x509.PrecertificateSignedCertificateTimestamps):
        return scts(v)
    if isinstance(v, x509.TLSFeature):
        return [f.value for f in v]
    if isinstance(v, (x509.SubjectAlternativeName, x509.IssuerAlternativeName)):
        return general_names(v)
    if isinstance(v, x509.AuthorityKeyIdentifier):
        return {"keyIdentifier": v.key_identifier.hex() if v.key_identifier is not None else None,
                "issuer": general_names(v.authority_cert_issuer),
                "serial": format(v.authority_cert_serial_number, "x")
                if v.authority_cert_serial_number is not None else None}
    return None


def facts(der):
    try:
        cert = x509.load_der_x509_certificate(der)
    except Exception as error:  # the oracle refusing is a fact too
        return {"error": str(error)}
    out = {"signatureOid": cert.signature_algorithm_oid.dotted_string,
           "signature": cert.signature.hex()}
    try:
        out["extensions"] = [
            {"oid": e.oid.dotted_string, "critical": e.critical, "value": extension_value(e)}
            for e in cert.extensions
        ]
    except Exception as error:
        out["extensions"] = {"error": type(error).__name__ + ": " + str(error)}
    try:
        key = cert.public_key()
        out["spkiSha256"] = hashlib.sha256(key.public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
        if isinstance(key, (dsa.DSAPublicKey, ec.EllipticCurvePublicKey)):
            out["keyBits"] = key.key_size
    except Exception as error:
        out["spkiSha256"] = {"error": str(error)}
    return out


def main():
    ders = json.load(sys.stdin)
    json.dump([facts(base64.b64decode(d)) for d in ders], sys.stdout)


if __name__ == "__main__":
    main()
