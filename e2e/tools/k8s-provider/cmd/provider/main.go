// Project-written entry point for the pulumi-kubernetes resource provider, used only by the e2e harness.
//
// Upstream's cmd/pulumi-resource-kubernetes embeds schema-embed.json and terraform-mapping-embed.json,
// which are generated (and gitignored) upstream, so they are absent from the Go module zip. build-tools.sh
// copies the committed upstream inputs (schema.json, terraform-mapping.json) from the module cache next to
// this file before building; they are gitignored here too. At start-up we do what upstream's generate.go
// does at build time: stamp the schema's "version" field.
package main

import (
	_ "embed"
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schemaJSON []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func stampVersion(schema []byte, v string) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(schema, &m); err != nil {
		return schema
	}
	vj, _ := json.Marshal(strings.TrimPrefix(v, "v"))
	m["version"] = vj
	out, err := json.Marshal(m)
	if err != nil {
		return schema
	}
	return out
}

func main() {
	provider.Serve("kubernetes", version.Version, stampVersion(schemaJSON, version.Version), terraformMapping)
}
