#!/usr/bin/env python3
"""The SAM template (docs/deploy/template.yaml) against the code it deploys.

moto enforces no IAM and cfn-lint checks shapes only, so this reads the template as
CloudFormation does (cfn-lint's decoder, `!Sub` and `!GetAtt` included) and checks:

1. Each function's policy grants exactly the actions its code calls, derived from the code:
   the object-store methods the function's sources call (`objects.head(…)`, …), mapped to
   the IAM actions the S3 adapter names for each method; `secretsmanager:GetSecretValue`
   when the Lambda settings read the database secret; the Cognito action of each user
   directory method the sources call (`directory.get_user(…)`), on the pool alone. Nothing
   more, nothing less.
2. A function that HEADs objects also has `s3:ListBucket` on the bucket, limited to the
   upload prefixes: without it S3 answers a HEAD of a missing key with 403 instead of 404,
   and the API's "names no uploaded object" and the trigger's "deleted since" become
   failures.
3. Every object resource is under a prefix (no `bucket/*`), and the secret is the one ARN the
   template is given.
4. The bucket stays private: the four Block Public Access settings, ACLs disabled
   (`BucketOwnerEnforced`), and a bucket policy that denies every request without TLS.
5. The database password is never resolved into the functions' configuration: they get the
   secret's ARN (`DB_SECRET_ARN`) and the RDS CA bundle's path (`DB_SSL_CA`, for TLS with the
   server verified), and no `DB_PASSWORD` or `{{resolve:secretsmanager…}}` anywhere.

Run by tests/run.sh with the venv's Python (cfn-lint is installed there); exit status 1 and a
line per problem when something does not hold.
"""

import pathlib
import re
import sys

from cfnlint.decode import decode

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "crates" / "domain" / "src"
TEMPLATE = ROOT / "docs" / "deploy" / "template.yaml"

# Each function: its logical id in the template and the sources its binary runs.
FUNCTIONS = {
    "ApiFunction": ["bin/api.rs", "api", "lambda"],
    "ThumbnailsFunction": ["bin/thumbnails.rs", "triggers/thumbnails.rs", "lambda"],
    "PostConfirmationFunction": [
        "bin/post-confirmation.rs",
        "triggers/post_confirmation.rs",
        "lambda",
    ],
}

# The user directory methods a function may call, and the Cognito action each needs.
DIRECTORY_ACTIONS = {"get_user": "cognito-idp:AdminGetUser"}

# The prefixes clients upload under (api::handlers' `own_upload` and `POST /uploads`).
UPLOAD_PREFIXES = ["posts/*", "profiles/*"]

problems = []


def problem(text):
    problems.append(text)


def read_sources(parts):
    text = ""
    for part in parts:
        path = SRC / part
        files = sorted(path.rglob("*.rs")) if path.is_dir() else [path]
        for f in files:
            text += f.read_text(encoding="utf-8")
    return text


def adapter_actions():
    """Each ObjectStore method of the S3 adapter → the IAM actions its body names (methods it
    calls on `self` included)."""
    code = (SRC / "adapters" / "aws" / "s3.rs").read_text(encoding="utf-8")
    impl = code.index("impl ObjectStore for S3ObjectStore")
    bodies = {}
    # Helpers defined before the trait impl (presign_put_at) count as methods too.
    for match in re.finditer(r"async fn (\w+)\s*[(<]", code):
        name = match.group(1)
        end = code.find("async fn ", match.end())
        bodies[name] = code[match.end(): end if end != -1 else len(code)]
    direct = {
        name: set(re.findall(r'"(s3:[A-Z][A-Za-z]+)"', body)) for name, body in bodies.items()
    }
    calls = {
        name: set(re.findall(r"self\s*\.\s*(\w+)\s*\(", body)) & set(bodies)
        for name, body in bodies.items()
    }

    def closure(name, seen=()):
        acts = set(direct.get(name, ()))
        for callee in calls.get(name, ()):
            if callee not in seen:
                acts |= closure(callee, seen + (name,))
        return acts

    methods = set(re.findall(r"async fn (\w+)", code[impl:]))
    # The port's provided methods (`put`, which calls `put_if`) act through the adapter's.
    port = (SRC / "ports" / "object_store.rs").read_text(encoding="utf-8")
    for match in re.finditer(r"async fn (\w+)\s*\((?:[^;{]*)\{", port):
        name = match.group(1)
        end = port.find("async fn ", match.end())
        body = port[match.end(): end if end != -1 else len(port)]
        if name not in bodies:
            calls[name] = set(re.findall(r"self\s*\.\s*(\w+)\s*\(", body)) & set(bodies)
            methods.add(name)
    return {m: closure(m) for m in methods}


def actions_of(code, by_method):
    used = set(re.findall(r"objects\s*\.\s*(\w+)\s*\(", code)) & set(by_method)
    actions = set()
    for method in used:
        actions |= by_method[method]
    return used, actions


def listify(value):
    return value if isinstance(value, list) else [value]


def arn_text(resource):
    """`{'Fn::Sub': '${MediaBucket.Arn}/posts/*'}` → `${MediaBucket.Arn}/posts/*`."""
    if isinstance(resource, dict):
        if "Fn::Sub" in resource:
            sub = resource["Fn::Sub"]
            return sub if isinstance(sub, str) else sub[0]
        if "Fn::GetAtt" in resource:
            att = resource["Fn::GetAtt"]
            return "${%s}" % ".".join(att if isinstance(att, list) else att.split("."))
        if "Ref" in resource:
            return "${%s}" % resource["Ref"]
    return str(resource)


def statements(function):
    out = []
    for policy in function["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            out.extend(policy["Statement"])
        else:
            problem(f"a policy that is not an inline document: {policy!r}")
    return out


def check_function(name, resource, by_method):
    code = read_sources(FUNCTIONS[name])
    used, needed = actions_of(code, by_method)
    if "head" in used:
        needed.add("s3:ListBucket")
    if "secretsmanager:GetSecretValue" in code:
        needed.add("secretsmanager:GetSecretValue")
    # A call on a `directory` binding, not on a field of that name (`state.directory.as_ref()`).
    for method in sorted(set(re.findall(r"(?<![.\w])directory\s*\.\s*(\w+)\s*\(", code))):
        if method in DIRECTORY_ACTIONS:
            needed.add(DIRECTORY_ACTIONS[method])
        else:
            problem(f"{name} calls directory.{method}, whose Cognito action is not mapped here")
    granted = {}
    for st in statements(resource):
        if st.get("Effect") != "Allow":
            continue
        for action in listify(st["Action"]):
            granted.setdefault(action, []).append(st)
    extra = sorted(set(granted) - needed)
    missing = sorted(needed - set(granted))
    if extra:
        problem(f"{name} is granted {extra}, which its code never calls")
    if missing:
        problem(f"{name} calls {missing} without a grant (its code uses {sorted(used)})")
    for action, sts in granted.items():
        for st in sts:
            arns = [arn_text(r) for r in listify(st["Resource"])]
            if action == "s3:ListBucket":
                if arns != ["${MediaBucket.Arn}"]:
                    problem(f"{name}: s3:ListBucket must name the bucket only, not {arns}")
                cond = st.get("Condition", {})
                prefixes = cond.get("StringLikeIfExists", {}).get("s3:prefix")
                if sorted(listify(prefixes or [])) != sorted(UPLOAD_PREFIXES):
                    problem(
                        f"{name}: s3:ListBucket must be limited to {UPLOAD_PREFIXES} "
                        f"(StringLikeIfExists on s3:prefix), not {cond}"
                    )
            elif action.startswith("s3:"):
                for arn in arns:
                    if not re.fullmatch(r"\$\{MediaBucket\.Arn\}/[a-z0-9]+/\*", arn):
                        problem(f"{name}: {action} on {arn} is not limited to one prefix")
            elif action.startswith("cognito-idp:"):
                if arns != ["${UserPool.Arn}"]:
                    problem(f"{name}: {action} must name the user pool only, not {arns}")
            elif action == "secretsmanager:GetSecretValue":
                if [r for r in listify(st["Resource"])] != [{"Ref": "DatabaseSecretArn"}]:
                    problem(f"{name}: the secret grant must name the DatabaseSecretArn only")
    return used, needed


def check_bucket(resources):
    bucket = resources["MediaBucket"]["Properties"]
    block = bucket.get("PublicAccessBlockConfiguration", {})
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ]:
        if block.get(setting) is not True:
            problem(f"MediaBucket: {setting} must be true")
    rules = bucket.get("OwnershipControls", {}).get("Rules", [])
    if [r.get("ObjectOwnership") for r in rules] != ["BucketOwnerEnforced"]:
        problem("MediaBucket: ACLs must be disabled (ObjectOwnership BucketOwnerEnforced)")
    policies = [
        r["Properties"]
        for r in resources.values()
        if r.get("Type") == "AWS::S3::BucketPolicy"
        and r["Properties"].get("Bucket") == {"Ref": "MediaBucket"}
    ]
    tls_only = False
    for policy in policies:
        for st in policy["PolicyDocument"]["Statement"]:
            arns = sorted(arn_text(r) for r in listify(st.get("Resource", [])))
            if (
                st.get("Effect") == "Deny"
                and st.get("Principal") == "*"
                and listify(st.get("Action")) == ["s3:*"]
                and arns == ["${MediaBucket.Arn}", "${MediaBucket.Arn}/*"]
                and st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
                in ("false", False)
            ):
                tls_only = True
            if st.get("Effect") == "Allow" and st.get("Principal") in ("*", {"AWS": "*"}):
                problem("MediaBucket's policy allows everyone")
    if not tls_only:
        problem("MediaBucket: no bucket policy denies requests without TLS on the bucket and its objects")


def check_database_settings(template):
    variables = {}
    variables.update(
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    )
    for name, resource in template["Resources"].items():
        env = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        if "DB_PASSWORD" in env:
            problem(f"{name} is given DB_PASSWORD: give DB_SECRET_ARN")
        if "DB_SSL_MODE" in env:
            problem(f"{name}: DB_SSL_MODE weakens TLS to the database")
        for setting in ["DB_SECRET_ARN", "DB_SSL_CA", "DATABASE_URL"]:
            if setting in env:
                problem(f"{name} overrides {setting}: the functions share the Globals' settings")
    if "DB_PASSWORD" in variables:
        problem("the functions are given DB_PASSWORD: give DB_SECRET_ARN")
    if variables.get("DB_SECRET_ARN") != {"Ref": "DatabaseSecretArn"}:
        problem("the functions are not given DB_SECRET_ARN: !Ref DatabaseSecretArn")
    if not str(variables.get("DB_SSL_CA", "")).endswith(".pem"):
        problem("the functions are not given DB_SSL_CA (the RDS CA bundle) for verified TLS")
    if "DB_SSL_MODE" in variables:
        problem("DB_SSL_MODE weakens TLS to the database in the deployed functions")
    if "{{resolve:secretsmanager" in TEMPLATE.read_text(encoding="utf-8"):
        problem("a secret is resolved into the template")


def main():
    template, errors = decode(str(TEMPLATE))
    if errors:
        for e in errors:
            problem(f"the template does not parse: {e}")
        return
    resources = template["Resources"]
    by_method = adapter_actions()
    if len(by_method) < 8 or not by_method.get("head"):
        problem(f"the S3 adapter's methods were not found: {sorted(by_method)}")
        return
    for name in FUNCTIONS:
        if name not in resources:
            problem(f"the template has no {name}")
            continue
        used, needed = check_function(name, resources[name], by_method)
        print(f"    {name}: calls {sorted(used) or 'no object store'} → {sorted(needed)}")
    functions = sorted(
        n for n, r in resources.items() if r.get("Type") == "AWS::Serverless::Function"
    )
    if functions != sorted(FUNCTIONS):
        problem(f"functions {functions} are not the ones this check knows {sorted(FUNCTIONS)}")
    check_bucket(resources)
    check_database_settings(template)


if __name__ == "__main__":
    main()
    for p in problems:
        print(f"template: {p}", file=sys.stderr)
    sys.exit(1 if problems else 0)
