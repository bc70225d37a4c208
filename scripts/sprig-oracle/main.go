// sprig-oracle renders gotemplate-oracle-style cases with Go's text/template and the real Sprig
// v3.3.0 functions registered as consul-template registers them (with a "sprig_" prefix). It makes
// test/template/sprig/expected.json; nothing runs it during tests. See README.md.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"
)

type options struct {
	Missingkey string `json:"missingkey"`
}

type tcase struct {
	ID       string          `json:"id"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data,omitempty"`
	Options  options         `json:"options"`
}

type result struct {
	ID           string  `json:"id"`
	Output       *string `json:"output,omitempty"`
	OutputBase64 string  `json:"outputBase64,omitempty"`
	Error        string  `json:"error,omitempty"`
	Phase        string  `json:"phase,omitempty"`
}

func render(c tcase, funcs template.FuncMap) (r result) {
	r.ID = c.ID
	var dot interface{}
	if len(c.Data) > 0 {
		d := json.NewDecoder(bytes.NewReader(c.Data))
		d.UseNumber()
		if err := d.Decode(&dot); err != nil {
			r.Error, r.Phase = err.Error(), "input"
			return
		}
	}
	mk := c.Options.Missingkey
	if mk == "" {
		mk = "default"
	}
	t, err := template.New("").Option("missingkey=" + mk).Funcs(funcs).Parse(c.Template)
	if err != nil {
		r.Error, r.Phase = err.Error(), "parse"
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, dot); err != nil {
		r.Error, r.Phase = err.Error(), "exec"
		return
	}
	out := buf.Bytes()
	s := strings.ToValidUTF8(string(out), "\uFFFD")
	r.Output = &s
	if !utf8.Valid(out) {
		r.OutputBase64 = base64.StdEncoding.EncodeToString(out)
	}
	return
}

func main() {
	var cases []tcase
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "sprig-oracle:", err)
		os.Exit(2)
	}
	funcs := template.FuncMap{}
	for k, v := range sprig.TxtFuncMap() {
		funcs["sprig_"+k] = v
	}
	out := make([]result, 0, len(cases))
	for _, c := range cases {
		out = append(out, render(c, funcs))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "sprig-oracle:", err)
		os.Exit(1)
	}
}
