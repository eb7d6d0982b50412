package workerd

import (
	"strings"
	"testing"
)

func TestQuoteIsACapnpStringLiteral(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:           `"plain"`,
		`say "hi"\now`:    `"say \"hi\"\\now"`,
		"tab\tnl\ncr\r":   `"tab\tnl\ncr\r"`,
		"bell\x07del\x7f": `"bell\x07del\x7f"`,
		"utf-8: é":        `"utf-8: é"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestConfigNamesEveryRegionAndBinding(t *testing.T) {
	c := Config{CompatibilityDate: "2025-09-01", CompatibilityFlags: []string{FlagJSRPC}, Regions: []string{"APAC", "OC"},
		Vars: map[string]string{"GREETING": "a \"quoted\"\nvalue"}, D1: []D1Binding{{Name: "MY-DB", Addr: "127.0.0.1:1", Secret: "s3"}}}
	text := c.capnp([]module{{name: "index.js", kind: "esModule"}, {name: "lib/x.wasm", kind: "wasm"}}, "bundle")
	for _, want := range []string{
		`(name = "apac", address = "127.0.0.1:0", http = (), service = "app-APAC")`,
		`(name = "d1-MY-DB-OC", external = (address = "127.0.0.1:1", http = (injectRequestHeaders = [(name = "x-d1check-region", value = "OC"), (name = "x-d1check-secret", value = "s3")])))`,
		`(name = "GREETING", text = "a \"quoted\"\nvalue")`,
		`(name = "lib/x.wasm", wasm = embed "bundle/lib/x.wasm")`,
		`innerBindings = [(name = "fetcher", service = "d1rpc-MY-DB-APAC")]`,
		`const forwarderAPACMYX2dDB :Workerd.Worker`,
		`bindings = [(name = "upstream", service = "d1-MY-DB-APAC")]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("config lacks %s:\n%s", want, text)
		}
	}
}
