//go:build linux

package aio_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/aiotest"
)

// TestStreamReaderMatchesAsyncio replays a CPython 3.13 session on a
// StreamReader with limit 4; the comments give what asyncio printed.
func TestStreamReaderMatchesAsyncio(t *testing.T) {
	aiotest.Run(t, func(tk *aio.Task) error {
		r := aio.NewStreamReader(4)
		r.FeedData([]byte("abcdefg\nxy"))
		// readuntil overrun Separator is found, but chunk is longer than limit 7 b'abcdefg\nxy'
		_, err := r.ReadUntil(tk, []byte("\n"))
		if err := checkOverrun(err, "Separator is found, but chunk is longer than limit", 7); err != nil {
			return err
		}
		if r.Buffered() != 10 {
			return fmt.Errorf("ReadUntil's overrun consumed: %d left", r.Buffered())
		}
		// readline overrun ... b'xy'
		_, err = r.ReadLine(tk)
		if err := checkOverrun(err, "Separator is found, but chunk is longer than limit", 7); err != nil {
			return err
		}
		if r.Buffered() != 2 {
			return fmt.Errorf("ReadLine's overrun left %d bytes, want 2", r.Buffered())
		}
		r.FeedData([]byte("abcdefghij"))
		// readuntil overrun2 Separator is not found, and chunk exceed the limit 12 b'xyabcdefghij'
		_, err = r.ReadUntil(tk, []byte("\n"))
		if err := checkOverrun(err, "Separator is not found, and chunk exceed the limit", 12); err != nil {
			return err
		}
		if r.Buffered() != 12 {
			return fmt.Errorf("ReadUntil's overrun consumed: %d left", r.Buffered())
		}
		// readline overrun2 ... b''
		if _, err = r.ReadLine(tk); !errors.Is(err, aio.ErrLimitOverrun) || r.Buffered() != 0 {
			return fmt.Errorf("ReadLine: %v with %d left, want an overrun and 0", err, r.Buffered())
		}
		r.FeedData([]byte("kl\nab"))
		line, err := r.ReadLine(tk)
		if err := expect("ReadLine", line, err, "kl\n"); err != nil {
			return err
		}
		r.FeedEOF()
		// incomplete 2 bytes read on a total of undefined expected bytes b'ab' None
		_, err = r.ReadUntil(tk, []byte("\n"))
		var ie *aio.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "ab" || ie.Expected != -1 ||
			err.Error() != "aio: 2 bytes read on a total of undefined expected bytes" {
			return fmt.Errorf("ReadUntil at EOF: %v", err)
		}
		// b'' b'' b''
		if _, err := r.ReadLine(tk); err != io.EOF {
			return fmt.Errorf("ReadLine at EOF: %v", err)
		}
		if _, err := r.Read(tk, 5); err != io.EOF {
			return fmt.Errorf("Read at EOF: %v", err)
		}
		all, err := r.ReadAll(tk)
		if err := expect("ReadAll at EOF", all, err, ""); err != nil {
			return err
		}
		// A separator at index limit is within it: b'abcd\n'.
		r = aio.NewStreamReader(4)
		r.FeedData([]byte("abcd\n"))
		line, err = r.ReadLine(tk)
		if err := expect("line of limit bytes", line, err, "abcd\n"); err != nil {
			return err
		}
		if _, err := r.ReadUntil(tk, nil); err == nil {
			return errors.New("empty separator accepted")
		}
		if _, err := r.ReadExactly(tk, -1); err == nil {
			return errors.New("negative count accepted")
		}
		// An error set on the reader is returned by every read.
		boom := errors.New("boom")
		r.FeedData([]byte("kept\n"))
		r.SetErr(boom)
		for _, rc := range readCases {
			if _, err := rc.read(tk, r); err != boom {
				return fmt.Errorf("%s after SetErr: %v", rc.name, err)
			}
		}
		return nil
	})
}

func checkOverrun(err error, msg string, consumed int) error {
	var oe *aio.LimitOverrunError
	if !errors.As(err, &oe) || oe.Message != msg || oe.Consumed != consumed || !errors.Is(err, aio.ErrLimitOverrun) {
		return fmt.Errorf("got %v, want the overrun %q at %d", err, msg, consumed)
	}
	return nil
}

// readSeparated reads data through a reader with the given limit, fed in
// chunks cut at cuts (each a fraction of the input), alternating ReadLine
// and ReadUntil of a two-byte separator, until the end or an error. It
// returns what each read gave.
func readSeparated(tb testing.TB, data []byte, cuts []int, limit int) []string {
	var got []string
	aiotest.Run(tb, func(tk *aio.Task) error {
		r := aio.NewStreamReader(limit)
		reader := aio.Spawn(tk, func(tk *aio.Task) (struct{}, error) {
			for i := 0; ; i++ {
				var b []byte
				var err error
				if i%2 == 0 {
					b, err = r.ReadLine(tk)
				} else {
					b, err = r.ReadUntil(tk, []byte("\r\n"))
				}
				var ie *aio.IncompleteReadError
				switch {
				case err == nil:
					got = append(got, "ok "+string(b))
					continue
				case errors.Is(err, io.EOF):
					got = append(got, "EOF")
				case errors.As(err, &ie):
					got = append(got, "incomplete "+string(ie.Partial))
				case errors.Is(err, aio.ErrLimitOverrun):
					got = append(got, "overrun")
				default:
					return struct{}{}, err
				}
				return struct{}{}, nil
			}
		})
		prev := 0
		for _, c := range append(cuts, len(data)) {
			r.FeedData(data[prev:c])
			prev = c
			if err := aio.Sleep(tk, 0); err != nil { // let the reader run
				return err
			}
		}
		r.FeedEOF()
		_, err := aio.Await(tk, reader)
		return err
	})
	return got
}

// randomCuts cuts n bytes at k sorted random places.
func randomCuts(rng *rand.Rand, n, k int) []int {
	cuts := make([]int, k)
	for i := range cuts {
		cuts[i] = rng.IntN(n + 1)
	}
	slices.Sort(cuts)
	return cuts
}

// TestStreamSplitDoesNotMatter checks that any split of the incoming
// bytes gives the same ReadLine and ReadUntil results, overruns included.
func TestStreamSplitDoesNotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\r\n")
	for range 200 {
		data := make([]byte, rng.IntN(60))
		for i := range data {
			data[i] = alphabet[rng.IntN(len(alphabet))]
		}
		limit := 1 + rng.IntN(12)
		want := readSeparated(t, data, nil, limit)
		for range 5 {
			cuts := randomCuts(rng, len(data), rng.IntN(8))
			if got := readSeparated(t, data, cuts, limit); !slices.Equal(got, want) {
				t.Fatalf("%q limit %d cut at %v: got %q, whole gives %q", data, limit, cuts, got, want)
			}
		}
	}
}

// FuzzStreamSplit is TestStreamSplitDoesNotMatter for the fuzzer: the
// cut points come from cutSeed.
func FuzzStreamSplit(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.0\r\nHost: x\r\n\r\nbody"), uint64(1), uint8(16))
	f.Add([]byte("a\nbb\r\nccc\r\r\n\n"), uint64(7), uint8(2))
	f.Add([]byte("no separator at all"), uint64(3), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, cutSeed uint64, limit uint8) {
		if len(data) > 4096 {
			return
		}
		want := readSeparated(t, data, nil, int(limit)+1)
		rng := rand.New(rand.NewPCG(cutSeed, 0))
		cuts := randomCuts(rng, len(data), rng.IntN(16))
		if got := readSeparated(t, data, cuts, int(limit)+1); !slices.Equal(got, want) {
			t.Fatalf("cut at %v: got %q, whole gives %q", cuts, got, want)
		}
	})
}
