package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	r, ok := Parse(`RESULT name=aio scenario="64 conns, 16 pipelined" unit=req/s rate=12.5 errors=0`)
	if !ok {
		t.Fatal("not parsed")
	}
	want := Result{"name": "aio", "scenario": "64 conns, 16 pipelined", "unit": "req/s", "rate": "12.5", "errors": "0"}
	if len(r) != len(want) {
		t.Fatalf("got %v, want %v", r, want)
	}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %q, want %q", k, r[k], v)
		}
	}
	for _, bad := range []string{"", "WRK requests=1", "RESULT ", `RESULT name="unterminated`, "RESULT noequals"} {
		if r, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) = %v, want not ok", bad, r)
		}
	}
}

func TestLoadMedians(t *testing.T) {
	in := strings.Join([]string{
		"noise before",
		`RESULT name=raw scenario="s" unit=req/s rate=100 cpu_us=1`,
		`RESULT name=aio scenario="s" unit=req/s rate=50 cpu_us=4`,
		`RESULT name=raw scenario="s" unit=req/s rate=300 cpu_us=3`,
		`RESULT name=aio scenario="s" unit=req/s rate=70 cpu_us=2`,
		`RESULT name=raw scenario="s" unit=req/s rate=200 cpu_us=2`,
		`RESULT name=aio scenario="idle" unit=KiB/conn rate=0.25`,
	}, "\n")
	tb, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Runs != 3 || len(tb.Scenarios) != 2 || len(tb.Names) != 2 || tb.Names[0] != "raw" {
		t.Fatalf("runs %d, scenarios %v, names %v", tb.Runs, tb.Scenarios, tb.Names)
	}
	raw, _ := tb.Cell("s", "raw")
	aio, _ := tb.Cell("s", "aio")
	for _, c := range []struct {
		r       Result
		k, want string
	}{{raw, "rate", "200"}, {raw, "cpu_us", "2"}, {aio, "rate", "60"}, {aio, "cpu_us", "3"}, {aio, "unit", "req/s"}} {
		if c.r[c.k] != c.want {
			t.Errorf("%s %s = %q, want %q", c.r["name"], c.k, c.r[c.k], c.want)
		}
	}
	var out bytes.Buffer
	tb.Markdown(&out, Layout{Name: "server", CPU: "cpu", Server: "srv", Gen: "gen", Refs: []string{"raw"}, Latency: true})
	for _, line := range []string{
		"| scenario | server | rate | p99 | cpu | srv | gen | errors | rate ÷ raw | CPU ÷ raw |",
		"| s | raw | 200 req/s | – | 2.00 µs | – | – | – |  |  |",
		"| s | aio | 60 req/s | – | 3.00 µs | – | – | – | 0.30 | 1.50 |",
		"| idle | aio | 0.25 KiB/conn | – | – | – | – | – |  |  |",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("table lacks %q:\n%s", line, out.String())
		}
	}
}
