import { expect } from "chai";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import {
  GO_VALID_CONSTRAINT_REGEX_SOURCE,
  MVersion,
  SemverError,
  VALID_CONSTRAINT_REGEX,
  checkConstraint,
  compareVersions,
  explainNonExact,
  isExactVersion,
  kubeVersionForConstraints,
  parseConstraint,
  parseVersion,
  satisfies,
  stripVendorSuffix,
} from "../components/semver/masterminds";

interface Vector {
  constraint: string;
  version: string;
  satisfied: boolean;
}

/** CI clones the repository with `../shared` beside it. */
const VECTORS_PATH = path.resolve(__dirname, "../../shared/semver/constraint-checks.json");
const VECTORS: Vector[] = (JSON.parse(fs.readFileSync(VECTORS_PATH, "utf8")) as { checks: Vector[] }).checks;

function thrown(fn: () => unknown): SemverError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(SemverError);
    return e as SemverError;
  }
  expect.fail("expected a SemverError");
}

describe("semver (Masterminds/semver v3.3.1 port)", () => {
  describe("shared/semver/constraint-checks.json (TestConstraintsCheck)", () => {
    it("has vectors to run", () => {
      expect(VECTORS.length).to.be.greaterThan(100);
    });
    VECTORS.forEach((v, i) => {
      it(`#${i + 1}: "${v.constraint}" ${v.satisfied ? "accepts" : "rejects"} ${v.version}`, () => {
        expect(parseConstraint(v.constraint).check(v.version)).to.equal(v.satisfied);
        expect(satisfies(v.constraint, v.version)).to.equal(v.satisfied);
        expect(checkConstraint(v.constraint, v.version).ok).to.equal(v.satisfied);
      });
    });
  });

  describe("cases checked against the Go library itself", () => {
    // Produced by running Masterminds/semver v3.3.1 (NewConstraint / NewVersion / Check) on each pair.
    // "error" means NewConstraint returned an error.
    const GO: [string, string, boolean | "error"][] = [
      ["<=2.0.0 1.0.0 - 2.0.0", "1.5.0", "error"], // the range rewrite eats the space before "1.0.0 - 2.0.0"
      ["1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true],
      [">= 1.0.0-0", "v1.31.1-eks-ce1d5eb", true],
      [">=1.19.0", "v1.30.0-tke.1", false],
      [">=1.19.0-0", "v1.30.0-tke.1", true],
      [">=1.19.0", "v1.29.3+k3s1", true],
      ["!=4.1.0", "4.1.1-alpha", true], // a clean != skips the pre-release rule (Validate would say false)
      [">=4.1.2-0", "v4.1.3", true],
      [">=4.1.0", "v4.2.0-alpha.1", false],
      [">=4.2.0-0", "v4.2.0-rc.1", true],
      [">=4.2.0-0", "v4.2.0-alpha.1", true],
      ["1.2 | 2.0", "1.2.0", "error"], // a single "|" matches cvRegex's [0-9|x|X|\*] class, then fails to parse
      ["1 - 2", "2.5.0", true], // "<= 2" is dirty: any 2.x
      ["~1", "1.9.9", true],
      ["^0.0", "0.0.9", true],
      ["^0.0", "0.1.0", false],
      [">=1.0.0\u000b", "1.0.0", "error"], // \v is not whitespace in Go's RE2
      ["\t>=1.0.0\n", "1.0.0", true],
      ["1.0.0 || ", "1.0.0", "error"],
      ["", "1.0.0", "error"],
      [">=1.2.3,<2", "1.9.0", true],
      ["=1.2.3+build", "1.2.3", true],
      [">1.2.3-alpha.9", "1.2.3-alpha.10", true],
      [">1.2.3-alpha", "1.2.3-alpha.1", true],
      [">1.2.3-1", "1.2.3-alpha", true],
      ["<1.2.3-beta", "1.2.3-alpha.99999999999999999999", true],
      [">1.2.3-99999999999999999999", "1.2.3-100000000000000000000", false], // > uint64: compared as text
      ["v1.2.x", "1.2.7", true],
      ["=>1.2, =<1.4", "1.4.9", true],
      [">1.4", "1.5.0", true],
      [">1.4", "1.4.9", false],
      ["4.1.x", "4.1.3-0", false],
      ["4.1.x-0", "4.1.3-0", true],
      ["<5", "5.0.0-0", false],
      [">=1.0.0 <2.0.0 || >=3.0.0-0", "3.0.0-rc.1", true],
      ["1.2.3.4", "1.2.3", "error"],
      [">= 1.0.0", "v1.0.0", true],
      ["*", "1.0.0-alpha", false],
      ["*-0", "1.0.0-alpha", true],
    ];
    for (const [c, v, want] of GO) {
      it(`${JSON.stringify(c)} with ${v} → ${want}`, () => {
        if (want === "error") {
          expect(thrown(() => parseConstraint(c)).kind).to.equal("constraint");
          expect(satisfies(c, v)).to.equal(c === ""); // KubeSphere: empty matches, unparsable does not
        } else {
          expect(parseConstraint(c).check(v)).to.equal(want);
        }
      });
    }

    it("Go's String() form: comparators space-separated, ranges rewritten", () => {
      expect(parseConstraint("1.0.0 - 2.0.0 <=2.0.0").toString()).to.equal(">=1.0.0 <=2.0.0 <=2.0.0");
      expect(parseConstraint(">=1.2.3,<2").toString()).to.equal(">=1.2.3 <2");
      expect(parseConstraint(">= 1.2.3 < 2.0 || => 3.0, < 4").toString()).to.equal(">=1.2.3 <2.0 || =>3.0 <4");
    });
  });

  describe("KubeSphere fixture constraint forms (CATALOG.md §9)", () => {
    it("'>= 1.0.0-0' (space and -0) accepts releases and pre-releases", () => {
      expect(satisfies(">= 1.0.0-0", "1.0.0")).to.equal(true);
      expect(satisfies(">= 1.0.0-0", "v1.31.1-eks-ce1d5eb")).to.equal(true);
      expect(satisfies(">= 1.0.0-0", "0.9.9")).to.equal(false);
    });
    it("'>=4.1.2-0' accepts v4.1.3 and v4.2.0-rc.1, rejects v4.1.1", () => {
      expect(satisfies(">=4.1.2-0", "v4.1.3")).to.equal(true);
      expect(satisfies(">=4.1.2-0", "v4.2.0-rc.1")).to.equal(true);
      expect(satisfies(">=4.1.2-0", "v4.1.1")).to.equal(false);
    });
    it("a v4.2.0-alpha.1 build fails a plain '>=4.1.0' and says why", () => {
      const r = checkConstraint(">=4.1.0", "v4.2.0-alpha.1");
      expect(r.ok).to.equal(false);
      expect(r.reason).to.contain("4.2.0-alpha.1 is a prerelease version");
      expect(satisfies(">=4.2.0-0", "v4.2.0-alpha.1")).to.equal(true);
    });
    it("'>=1.0.0', '>= 1.0.0', '>= 0.1.0', '>=2.11.1' behave as plain lower bounds", () => {
      expect(satisfies(">=1.0.0", "v1.0.0")).to.equal(true);
      expect(satisfies(">= 1.0.0", "0.99.0")).to.equal(false);
      expect(satisfies(">= 0.1.0", "0.1.0")).to.equal(true);
      expect(satisfies(">=2.11.1", "2.11.0")).to.equal(false);
      expect(satisfies(">=2.11.1", "2.12.0")).to.equal(true);
    });
    it("'>=1.19.0' (before ks-extensions PR #32) rejects EKS, '>=1.19.0-0' accepts it", () => {
      expect(satisfies(">=1.19.0", "v1.31.1-eks-ce1d5eb")).to.equal(false);
      expect(satisfies(">=1.19.0-0", "v1.31.1-eks-ce1d5eb")).to.equal(true);
    });
  });

  describe("parseVersion (NewVersion)", () => {
    // TestNewVersion in version_test.go at v3.3.1.
    const GO_NEW_VERSION: [string, boolean][] = [
      ["1.2.3", true], ["1.2.3-alpha.01", false], ["1.2.3+test.01", true], ["1.2.3-alpha.-1", true],
      ["v1.2.3", true], ["1.0", true], ["v1.0", true], ["1", true], ["v1", true], ["1.2.beta", false],
      ["v1.2.beta", false], ["foo", false], ["1.2-5", true], ["v1.2-5", true], ["1.2-beta.5", true],
      ["v1.2-beta.5", true], ["\n1.2", false], ["\nv1.2", false], ["1.2.0-x.Y.0+metadata", true],
      ["v1.2.0-x.Y.0+metadata", true], ["1.2.0-x.Y.0+metadata-width-hypen", true],
      ["v1.2.0-x.Y.0+metadata-width-hypen", true], ["1.2.3-rc1-with-hypen", true], ["v1.2.3-rc1-with-hypen", true],
      ["1.2.3.4", false], ["v1.2.3.4", false], ["1.2.2147483648", true], ["1.2147483648.3", true],
      ["2147483648.3.0", true], ["12.3.4.1234", false], ["12.23.4.1234", false], ["12.3.34.1234", false],
      ["20221209-update-renovatejson-v4", true], ["1.1.2+.123", false], ["1.0.0-alpha_beta", false],
      ["1.0.0-alpha..", false], ["1.0.0-alpha..1", false], ["01.1.1", false], ["1.01.1", false],
      ["1.1.01", false], ["9.8.7+meta+meta", false], ["1.2.31----RC-SNAPSHOT.12.09.1--.12+788", false],
    ];
    for (const [text, ok] of GO_NEW_VERSION) {
      it(`${JSON.stringify(text)} ${ok ? "parses" : "is rejected"}`, () => {
        if (ok) expect(parseVersion(text)).to.be.instanceOf(MVersion);
        else expect(thrown(() => parseVersion(text)).kind).to.equal("version");
      });
    }

    it("fills missing parts, keeps the original text and canonicalises toString", () => {
      const v = parseVersion("v1.4-rc.1+b7");
      expect([v.major, v.minor, v.patch]).to.deep.equal([1n, 4n, 0n]);
      expect(v.prerelease).to.equal("rc.1");
      expect(v.metadata).to.equal("b7");
      expect(v.original).to.equal("v1.4-rc.1+b7");
      expect(v.toString()).to.equal("1.4.0-rc.1+b7");
    });

    it("rejects numbers above 2^64-1 like strconv.ParseUint", () => {
      expect(parseVersion("18446744073709551615.0.0").major).to.equal(18446744073709551615n);
      expect(thrown(() => parseVersion("18446744073709551616.0.0")).message).to.contain(
        "18446744073709551616 is larger than 18446744073709551615",
      );
    });

    it("error messages name the bad part and show valid forms", () => {
      const cases: [string, string][] = [
        ["", "it is empty"],
        ["1.2.beta", '"beta" is not a number'],
        ["01.2.3", 'the number "01" has a leading zero'],
        ["1.2.3.4", "4 dot-separated numbers"],
        ["1.0.0-alpha_beta", 'contains "_"'],
        ["1.0.0-alpha..1", "empty identifier"],
        ["1.2.3-01", 'identifier "01" is numeric and has a leading zero'],
        ["V1.2.3", 'upper-case "V"'],
        [">=1.2.3", 'starts with the operator ">="'],
        ["latest", "contains no version number"],
        [" 1.2.3", "leading or trailing whitespace"],
      ];
      for (const [text, part] of cases) {
        const msg = thrown(() => parseVersion(text)).message;
        expect(msg, text).to.contain(`invalid version ${JSON.stringify(text)}`);
        expect(msg, text).to.contain(part);
        expect(msg, text).to.contain('"1.2.3", "v1.2", "1.2.3-rc.1"');
      }
    });
  });

  describe("compareVersions", () => {
    it("orders by semver precedence (semver.org §11 example chain)", () => {
      const chain = [
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
        "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
      ];
      for (let i = 0; i + 1 < chain.length; i++) {
        expect(compareVersions(chain[i], chain[i + 1]), `${chain[i]} < ${chain[i + 1]}`).to.equal(-1);
        expect(compareVersions(chain[i + 1], chain[i])).to.equal(1);
      }
    });
    it("ignores build metadata and the v prefix, treats 1.4 as 1.4.0", () => {
      expect(compareVersions("1.0.0+a", "1.0.0+b")).to.equal(0);
      expect(compareVersions("v1.4", "1.4.0")).to.equal(0);
    });
    it("compares numbers beyond 2^53 exactly", () => {
      expect(compareVersions("9007199254740993.0.0", "9007199254740992.0.0")).to.equal(1);
    });
    it("throws SemverError for text that is not a version", () => {
      thrown(() => compareVersions("1.0.0", "nope"));
    });
  });

  describe("parseConstraint errors", () => {
    // TestNewConstraint in constraints_test.go at v3.3.1 (err column).
    const GO_NEW_CONSTRAINT: [string, boolean][] = [
      [">= 1.1", true], [">40.50.60, < 50.70", true], ["2.0", true], ["v2.3.5-20161202202307-sha.e8fc5e5", true],
      [">= bar", false], ["BAR >= 1.2.3", false], [">= 1.2.3 < 2.0", true], [">= 1.2.3 < 2.0 || => 3.0 < 4", true],
      [">= 1.2.3, < 2.0", true], [">= 1.2.3, < 2.0 || => 3.0, < 4", true], ["3 - 4 || => 3.0, < 4", true],
      ["12.3.4.1234", false], ["12.23.4.1234", false], ["12.3.34.1234", false], ["12.3.34 ~1.2.3", true],
      ["12.3.34~ 1.2.3", false], ["1.0.0 - 2.0.0, <=2.0.0", true],
    ];
    for (const [text, ok] of GO_NEW_CONSTRAINT) {
      it(`${JSON.stringify(text)} ${ok ? "parses" : "is rejected"}`, () => {
        if (ok) expect(parseConstraint(text).alternatives.length).to.be.greaterThan(0);
        else expect(thrown(() => parseConstraint(text)).kind).to.equal("constraint");
      });
    }

    it("counts ORs and ANDs like Go", () => {
      const c = parseConstraint("3 - 4 || => 3.0, < 4");
      expect(c.alternatives.map((a) => a.length)).to.deep.equal([2, 2]);
      expect(parseConstraint("1.0.0 - 2.0.0, <=2.0.0").alternatives[0]).to.have.length(3);
    });

    it("messages say which part is invalid and what would be valid", () => {
      const cases: [string, string][] = [
        [">= bar", '">= bar" is not a comparison'],
        ["BAR >= 1.2.3", 'unexpected "BAR" before ">= 1.2.3"'],
        [">=1.2.3 latest", 'unexpected "latest" after ">=1.2.3"'],
        ["12.3.34~ 1.2.3", '"12.3.34" and "~ 1.2.3" are run together'],
        [">=1.2.3,", 'unexpected "," after ">=1.2.3"'],
        [">=1 ||", 'in the alternative "": an alternative next to "||" is empty'],
        ["", 'an alternative next to "||" is empty'],
      ];
      for (const [text, part] of cases) {
        const msg = thrown(() => parseConstraint(text)).message;
        expect(msg, text).to.contain(`invalid constraint ${JSON.stringify(text)}`);
        expect(msg, text).to.contain(part);
        expect(msg, text).to.contain('joined by "," or spaces for AND and "||" for OR');
      }
      expect(thrown(() => parseConstraint(">=01.2")).message).to.contain(
        'the version "01.2" in ">=01.2" is invalid: the number "01" has a leading zero',
      );
      expect(thrown(() => parseConstraint(">=1.2.3-01")).message).to.contain(
        'identifier "01" is numeric and has a leading zero',
      );
      expect(thrown(() => parseConstraint("1.2 | 2.0")).message).to.contain(
        '"|" is neither a number nor a wildcard (x, X, *)',
      );
    });

    it("stays fast on long whitespace runs (RE2 is linear; the port must not backtrack badly)", () => {
      const start = Date.now();
      thrown(() => parseConstraint("1" + " ".repeat(20000) + "!"));
      thrown(() => parseConstraint(">=1.0.0" + ", ".repeat(5000) + "?"));
      thrown(() => parseConstraint(" ".repeat(20000) + "- 1"));
      expect(Date.now() - start).to.be.lessThan(2000);
    });
  });

  describe("satisfies / checkConstraint (KubeSphere matching)", () => {
    it("an empty constraint matches (KubeSphere's special case)", () => {
      expect(satisfies("", "1.0.0")).to.equal(true);
      expect(checkConstraint("", "v4.2.0-alpha.1")).to.deep.equal({ ok: true });
    });
    it("an unparsable constraint does not match, with the parse error as reason", () => {
      expect(satisfies(">= bar", "1.0.0")).to.equal(false);
      const r = checkConstraint(">=4.1 | <5", "4.1.0");
      expect(r.ok).to.equal(false);
      expect(r.reason).to.contain('invalid constraint ">=4.1 | <5"');
      expect(r.reason).to.contain("KubeSphere counts an unparsable constraint as not matched");
    });
    it("an unparsable version does not match, with the parse error as reason", () => {
      const r = checkConstraint(">=1.0.0", "release-4.1");
      expect(r).to.deep.equal({
        ok: false,
        reason: 'invalid version "release-4.1": "release" is not a number; expected a version such as "1.2.3", "v1.2", "1.2.3-rc.1"',
      });
    });
    it("an unsatisfied constraint explains each alternative", () => {
      const r = checkConstraint("<1.0.0 || ~2.1", "2.2.0");
      expect(r.ok).to.equal(false);
      expect(r.reason).to.equal(
        '2.2.0 does not satisfy "<1.0.0 || ~2.1": 2.2.0 is greater than or equal to 1.0.0; 2.2.0 does not have same major and minor version as 2.1',
      );
    });
  });

  describe("isExactVersion / explainNonExact", () => {
    const exact = ["1.2.0", "0.0.0", "4.2.0-rc.1", "1.0.0-alpha.-1", "10.20.30-0"];
    for (const t of exact) {
      it(`${JSON.stringify(t)} is exact`, () => {
        expect(isExactVersion(t)).to.equal(true);
        expect(explainNonExact(t)).to.equal(`\`${t}\` is an exact version`);
      });
    }
    const inexact: [string, string][] = [
      ["", "the version is empty; write an exact version such as `1.2.0`"],
      ["  ", "the version is only whitespace; write an exact version such as `1.2.0`"],
      ["latest", "`latest` is not a version; write an exact version such as `1.2.0`"],
      ["^1.2", "`^1.2` is a range, not an exact version"],
      [">=1.0.0, <2", "`>=1.0.0, <2` is a range, not an exact version"],
      ["1.2 - 1.4", "`1.2 - 1.4` is a range, not an exact version"],
      ["1.0.0 || 2.0.0", "`1.0.0 || 2.0.0` is a range, not an exact version"],
      ["1.x", "`1.x` is a wildcard range, not an exact version"],
      ["*", "`*` is a wildcard range, not an exact version"],
      ["=1.2.0", "`=1.2.0` is a constraint with the operator `=`, not an exact version; write `1.2.0`"],
      ["v1.2.0", "`v1.2.0` has a `v` prefix; write `1.2.0`"],
      ["1.2", "`1.2` lacks a patch number; write `1.2.0`"],
      ["1", "`1` lacks minor and patch numbers; write `1.0.0`"],
      ["v1.2-rc.1", "`v1.2-rc.1` has a `v` prefix and lacks a patch number; write `1.2.0-rc.1`"],
      ["1.2.0+k3s1", "`1.2.0+k3s1` has build metadata `+k3s1` (ExtensionVersion names cannot contain `+`); write `1.2.0`"],
      [" 1.2.0", "` 1.2.0` has leading or trailing whitespace; write `1.2.0`"],
      ["01.2.0", '`01.2.0` is not a valid version: the number "01" has a leading zero'],
      ["1.2.3.4", "`1.2.3.4` is not a valid version: it has 4 dot-separated numbers; a version has at most three (MAJOR.MINOR.PATCH)"],
      ["1.2.0-", "`1.2.0-` is not a valid version: the pre-release is empty"],
      ["V1.2.0", '`V1.2.0` is not a valid version: it starts with an upper-case "V"; only a lower-case "v" prefix is accepted'],
    ];
    for (const [t, why] of inexact) {
      it(`${JSON.stringify(t)} is not exact: ${why}`, () => {
        expect(isExactVersion(t)).to.equal(false);
        expect(explainNonExact(t)).to.equal(why);
      });
    }
    it("rejects numbers that do not fit in 64 bits", () => {
      expect(isExactVersion("18446744073709551616.0.0")).to.equal(false);
    });
  });

  describe("Kubernetes vendor versions", () => {
    it("checks the raw gitVersion (KubeSphere semantics) and explains a vendor pre-release", () => {
      for (const [git, release] of [["v1.30.0-tke.1", "1.30.0"], ["v1.31.1-eks-ce1d5eb", "1.31.1"]]) {
        const k = kubeVersionForConstraints(git);
        expect(k.version).to.equal(git);
        expect(k.note).to.contain("treats as a pre-release");
        expect(k.note).to.contain(`although the release ${release} would`);
        expect(satisfies(">=1.19.0", k.version)).to.equal(false);
        expect(satisfies(">=1.19.0-0", k.version)).to.equal(true);
      }
    });
    it("build metadata (+k3s1) is ignored", () => {
      const k = kubeVersionForConstraints("v1.29.3+k3s1");
      expect(k).to.deep.equal({
        version: "v1.29.3+k3s1",
        note: "the build metadata `+k3s1` of v1.29.3+k3s1 is ignored when checking constraints",
      });
      expect(satisfies(">=1.19.0", k.version)).to.equal(true);
      expect(satisfies("<1.29.3", k.version)).to.equal(false);
    });
    it("a plain release has no note; an unparsable one says constraints will not match", () => {
      expect(kubeVersionForConstraints("v1.29.3")).to.deep.equal({ version: "v1.29.3" });
      expect(kubeVersionForConstraints("unknown").note).to.contain("will count as not matched");
    });
    it("stripVendorSuffix returns the release version, or undefined when nothing changes a check", () => {
      expect(stripVendorSuffix("v1.30.0-tke.1")).to.equal("v1.30.0");
      expect(stripVendorSuffix("v1.31.1-eks-ce1d5eb")).to.equal("v1.31.1");
      expect(stripVendorSuffix("1.28.2-gke.1+abc")).to.equal("1.28.2");
      expect(stripVendorSuffix("v1.29.3+k3s1")).to.equal(undefined);
      expect(stripVendorSuffix("v1.29.3")).to.equal(undefined);
      expect(stripVendorSuffix("garbage")).to.equal(undefined);
      const stripped = stripVendorSuffix("v1.30.0-tke.1")!;
      expect(satisfies(">=1.19.0", stripped)).to.equal(true);
    });
  });

  describe("properties", () => {
    const num = fc.integer({ min: 0, max: 40 });
    const ident = fc.oneof(
      fc.integer({ min: 0, max: 30 }).map(String),
      fc.constantFrom("alpha", "beta", "rc", "tke", "eks-ce1d5eb", "x", "0a", "-"),
    );
    const pre = fc.oneof(fc.constant(""), fc.array(ident, { minLength: 1, maxLength: 3 }).map((a) => a.join(".")));
    const release = fc.tuple(num, num, num).map(([a, b, c]) => `${a}.${b}.${c}`);
    const version = fc.tuple(release, pre).map(([r, p]) => (p ? `${r}-${p}` : r));
    const op = fc.constantFrom("", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^");
    const part = fc.oneof(num.map(String), fc.constantFrom("x", "X", "*"));
    const cv = fc
      .tuple(part, fc.option(part, { nil: undefined }), fc.option(part, { nil: undefined }), pre)
      .map(([a, b, c, p]) => `${a}${b !== undefined ? `.${b}` : ""}${b !== undefined && c !== undefined ? `.${c}` : ""}${p ? `-${p}` : ""}`);
    const comparator = fc.tuple(op, cv).map(([o, v]) => `${o}${v}`);
    const andList = fc.array(comparator, { minLength: 1, maxLength: 3 }).map((a) => a.join(", "));

    it(">=X is satisfied by X for every release X, and by no pre-release of X", () => {
      fc.assert(
        fc.property(release, pre, (x, p) => {
          expect(satisfies(`>=${x}`, x)).to.equal(true);
          if (p) expect(satisfies(`>=${x}`, `${x}-${p}`)).to.equal(false);
        }),
      );
    });

    it(">=X-0 is satisfied by every version at or above X, pre-releases included", () => {
      fc.assert(
        fc.property(release, version, (x, v) => {
          expect(satisfies(`>=${x}-0`, v)).to.equal(compareVersions(v, `${x}-0`) >= 0);
        }),
      );
    });

    it("compareVersions is antisymmetric and transitive, and 0 means equal text up to metadata", () => {
      fc.assert(
        fc.property(version, version, version, (a, b, c) => {
          expect(compareVersions(a, b)).to.equal(-compareVersions(b, a) || 0);
          if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) expect(compareVersions(a, c)).to.be.at.most(0);
          expect(compareVersions(a, b) === 0).to.equal(parseVersion(a).toString() === parseVersion(b).toString());
        }),
      );
    });

    it("a || b is satisfied exactly when a or b is", () => {
      fc.assert(
        fc.property(andList, andList, version, (a, b, v) => {
          const either = satisfies(a, v) || satisfies(b, v);
          expect(satisfies(`${a} || ${b}`, v)).to.equal(either);
        }),
      );
    });

    it("a, b (and a b) is satisfied exactly when both are", () => {
      fc.assert(
        fc.property(comparator, comparator, version, (a, b, v) => {
          const both = satisfies(a, v) && satisfies(b, v);
          expect(satisfies(`${a}, ${b}`, v)).to.equal(both);
          expect(satisfies(`${a} ${b}`, v)).to.equal(both);
        }),
      );
    });

    it("the linear validation regex accepts exactly what Go's validConstraintRegex accepts", () => {
      const goRegex = new RegExp(GO_VALID_CONSTRAINT_REGEX_SOURCE);
      const chars = fc.constantFrom(..."0123456789.xX*|-+vV<>=!~^, \t\n\u000ba".split(""));
      const noisy = fc.oneof(
        fc.array(chars, { maxLength: 14 }).map((a) => a.join("")),
        fc.tuple(andList, fc.constantFrom("", " ", ",", " ,", ", ,", "  ", "\t"), andList).map(([a, s, b]) => a + s + b),
      );
      fc.assert(
        fc.property(noisy, (s) => {
          expect(VALID_CONSTRAINT_REGEX.test(s), JSON.stringify(s)).to.equal(goRegex.test(s));
        }),
        { numRuns: 3000 },
      );
    });
  });
});
