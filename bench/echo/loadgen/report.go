//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// result is one RESULT line.
type result struct {
	server, scenario, unit    string
	rate, cpu, srvPct, cliPct float64
}

func parseResult(line string) (result, bool) {
	rest, ok := strings.CutPrefix(line, "RESULT ")
	if !ok {
		return result{}, false
	}
	kv := map[string]string{}
	for len(rest) > 0 {
		rest = strings.TrimLeft(rest, " ")
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`) + 1
			kv[k], rest = v[1:end], v[end+1:]
		} else {
			val, after, _ := strings.Cut(v, " ")
			kv[k], rest = val, after
		}
	}
	f := func(k string) float64 { x, _ := strconv.ParseFloat(kv[k], 64); return x }
	return result{kv["server"], kv["scenario"], kv["unit"], f("rate"), f("cpu_us"), f("server_cpu"), f("client_cpu")}, true
}

// printReport prints the results as one markdown table, with aio's
// ratios to Go net and uvloop in each scenario.
func printReport(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var order []string
	runs := map[string]map[string][]result{}
	var servers []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		r, ok := parseResult(sc.Text())
		if !ok {
			continue
		}
		if runs[r.scenario] == nil {
			runs[r.scenario] = map[string][]result{}
			order = append(order, r.scenario)
		}
		runs[r.scenario][r.server] = append(runs[r.scenario][r.server], r)
		found := false
		for _, s := range servers {
			found = found || s == r.server
		}
		if !found {
			servers = append(servers, r.server)
		}
	}
	by := map[string]map[string]result{}
	nruns := 0
	for s, m := range runs {
		by[s] = map[string]result{}
		for name, rs := range m {
			by[s][name] = median(rs)
			nruns = max(nruns, len(rs))
		}
	}
	fmt.Printf("Medians of %d run(s) each.\n\n", nruns)
	fmt.Println("| scenario | server | rate | server CPU per unit | server CPU | loadgen CPU | aio rate ÷ this | aio CPU ÷ this |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, s := range order {
		aio, hasAio := by[s]["aio"]
		for _, name := range servers {
			r, ok := by[s][name]
			if !ok {
				continue
			}
			perUnit := "msg"
			if r.unit == "MB/s" {
				perUnit = "MiB"
			}
			cpu := fmt.Sprintf("%.2f µs/%s", r.cpu, perUnit)
			srv := fmt.Sprintf("%.0f%%", r.srvPct)
			cli := fmt.Sprintf("%.0f%%", r.cliPct)
			rate := fmt.Sprintf("%.0f %s", r.rate, r.unit)
			if r.unit == "KiB/conn" {
				rate = fmt.Sprintf("%.2f KiB/conn", r.rate)
				cpu, srv, cli = "–", "–", "–"
			}
			rr, cr := "", ""
			if hasAio && name != "aio" {
				if r.rate > 0 {
					rr = fmt.Sprintf("%.2f", aio.rate/r.rate)
				}
				if r.cpu > 0 {
					cr = fmt.Sprintf("%.2f", aio.cpu/r.cpu)
				}
			}
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", s, name, rate, cpu, srv, cli, rr, cr)
		}
	}
	return nil
}

// median takes the median of each figure of the runs separately.
func median(rs []result) result {
	m := rs[0]
	pick := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m.rate = pick(func(r result) float64 { return r.rate })
	m.cpu = pick(func(r result) float64 { return r.cpu })
	m.srvPct = pick(func(r result) float64 { return r.srvPct })
	m.cliPct = pick(func(r result) float64 { return r.cliPct })
	return m
}
