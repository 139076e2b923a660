/** Paths to the shared reference material (CI clones the repo with `../shared` beside it). */
import * as path from "path";
import { ClusterFacts, StaticCatalog } from "../../components/catalog/staticCatalog";

/** `shared/` beside the repository. */
export const SHARED_DIR = path.resolve(__dirname, "../../../shared");
/** The KubeSphere v4.1.3 catalog fixture. */
export const CATALOG_DIR = path.join(SHARED_DIR, "kubesphere", "catalog");
/** The real CRDs. */
export const CRD_DIR = path.join(SHARED_DIR, "kubesphere", "crds");

/** Facts of the host the fixture was taken from. */
export const FIXTURE_FACTS: ClusterFacts = { ksVersion: "v4.1.3", kubeVersion: "v1.30.4", clusters: ["host", "member1", "member2"] };

/** The fixture as a static catalog, with optional extra facts. */
export function fixtureCatalog(facts: ClusterFacts = {}): StaticCatalog {
  return StaticCatalog.fromFiles(CATALOG_DIR, { ...FIXTURE_FACTS, ...facts });
}
