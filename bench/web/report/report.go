// Package report turns the RESULT lines of the web and client benchmarks
// into one markdown table of medians, with each row's ratios to
// reference rows (the floor, fasthttp).
//
// A RESULT line is "RESULT" followed by key=value fields, values quoted
// when they hold spaces:
//
//	RESULT name=aio scenario="64 conns" unit=req/s rate=51234.5 p99_us=2100 cpu_us=17.2 srv_pct=88 gen_pct=95 errors=0
//
// name is the server (or client) measured; rate is in unit; cpu_us is the
// measured process's CPU per request in µs; srv_pct and gen_pct are the
// server's and the load generator's (or client's) CPU use in percent of
// one core; p99_us is optional. Lines that do not start with "RESULT "
// are ignored, so a run's whole log can be fed in.
package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Result is the fields of one RESULT line, by key.
type Result map[string]string

// Parse reads one RESULT line; ok is false for any other line.
func Parse(line string) (r Result, ok bool) {
	rest, ok := strings.CutPrefix(line, "RESULT ")
	if !ok {
		return nil, false
	}
	r = Result{}
	for {
		rest = strings.TrimLeft(rest, " ")
		k, v, found := strings.Cut(rest, "=")
		if !found || k == "" {
			return r, len(r) > 0
		}
		if q, isQuoted := strings.CutPrefix(v, `"`); isQuoted {
			end := strings.IndexByte(q, '"')
			if end < 0 {
				return nil, false
			}
			r[k], rest = q[:end], q[end+1:]
		} else {
			r[k], rest, _ = strings.Cut(v, " ")
		}
	}
}

// Num returns field k as a number, and whether it is one.
func (r Result) Num(k string) (float64, bool) {
	x, err := strconv.ParseFloat(r[k], 64)
	return x, err == nil
}

// Table holds the median of the runs of each (scenario, name) pair.
type Table struct {
	Scenarios []string // in the order first seen
	Names     []string // in the order first seen
	Runs      int      // the most runs of any pair
	cells     map[[2]string]Result
}

// Load reads RESULT lines and takes, for each scenario and name, the
// median of every numeric field separately.
func Load(in io.Reader) (*Table, error) {
	t := &Table{cells: map[[2]string]Result{}}
	runs := map[[2]string][]Result{}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		r, ok := Parse(sc.Text())
		if !ok {
			continue
		}
		key := [2]string{r["scenario"], r["name"]}
		if !slices.Contains(t.Scenarios, key[0]) {
			t.Scenarios = append(t.Scenarios, key[0])
		}
		if !slices.Contains(t.Names, key[1]) {
			t.Names = append(t.Names, key[1])
		}
		runs[key] = append(runs[key], r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for key, rs := range runs {
		t.cells[key] = median(rs)
		t.Runs = max(t.Runs, len(rs))
	}
	return t, nil
}

// Cell returns the medians of one scenario and name.
func (t *Table) Cell(scenario, name string) (Result, bool) {
	r, ok := t.cells[[2]string{scenario, name}]
	return r, ok
}

// median returns the first run's fields with every numeric field
// replaced by its median over the runs.
func median(rs []Result) Result {
	m := Result{}
	for k, v := range rs[0] {
		m[k] = v
		var xs []float64
		for _, r := range rs {
			if x, ok := r.Num(k); ok {
				xs = append(xs, x)
			}
		}
		if len(xs) != len(rs) {
			continue
		}
		slices.Sort(xs)
		mid := xs[len(xs)/2]
		if len(xs)%2 == 0 {
			mid = (xs[len(xs)/2-1] + mid) / 2
		}
		m[k] = strconv.FormatFloat(mid, 'f', -1, 64)
	}
	return m
}

// Layout names the columns of a table and its reference rows.
type Layout struct {
	Name    string   // heading of the name column: "server", "client"
	CPU     string   // heading of cpu_us: "server CPU per request"
	Server  string   // heading of srv_pct
	Gen     string   // heading of gen_pct
	Refs    []string // names whose rate and CPU the other rows are divided by
	Latency bool     // whether to show p99_us
}

// Markdown writes the table, one row per scenario and name, with "rate
// ÷ ref" and "CPU ÷ ref" for each reference present in the scenario.
func (t *Table) Markdown(w io.Writer, l Layout) {
	fmt.Fprintf(w, "Medians of %d run(s) each.\n\n", t.Runs)
	head := []string{"scenario", l.Name, "rate"}
	if l.Latency {
		head = append(head, "p99")
	}
	head = append(head, l.CPU, l.Server, l.Gen, "errors")
	for _, ref := range l.Refs {
		head = append(head, "rate ÷ "+ref, "CPU ÷ "+ref)
	}
	row(w, head)
	row(w, slices.Repeat([]string{"---"}, len(head)))
	for _, s := range t.Scenarios {
		for _, name := range t.Names {
			r, ok := t.Cell(s, name)
			if !ok {
				continue
			}
			cols := []string{s, name, rate(r)}
			if l.Latency {
				cols = append(cols, latency(r))
			}
			cols = append(cols, num(r, "cpu_us", "%.2f µs"), num(r, "srv_pct", "%.0f%%"), num(r, "gen_pct", "%.0f%%"), num(r, "errors", "%.0f"))
			for _, ref := range l.Refs {
				base, ok := t.Cell(s, ref)
				if !ok || ref == name {
					cols = append(cols, "", "")
					continue
				}
				cols = append(cols, ratio(r, base, "rate"), ratio(r, base, "cpu_us"))
			}
			row(w, cols)
		}
	}
}

func row(w io.Writer, cols []string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(cols, " | "))
}

func rate(r Result) string {
	x, ok := r.Num("rate")
	if !ok {
		return "–"
	}
	if r["unit"] == "KiB/conn" {
		return fmt.Sprintf("%.2f KiB/conn", x)
	}
	return fmt.Sprintf("%.0f %s", x, r["unit"])
}

func latency(r Result) string {
	x, ok := r.Num("p99_us")
	switch {
	case !ok:
		return "–"
	case x >= 1000:
		return fmt.Sprintf("%.2f ms", x/1000)
	}
	return fmt.Sprintf("%.0f µs", x)
}

func num(r Result, k, format string) string {
	x, ok := r.Num(k)
	if !ok {
		return "–"
	}
	return fmt.Sprintf(format, x)
}

func ratio(r, base Result, k string) string {
	x, ok1 := r.Num(k)
	b, ok2 := base.Num(k)
	if !ok1 || !ok2 || b == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", x/b)
}
