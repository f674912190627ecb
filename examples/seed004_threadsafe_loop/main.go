// Command seed004_threadsafe_loop runs an event loop forever in a goroutine
// of its own and feeds it work from the main goroutine, from seed 004
// ("可以在新线程中使用 loop.run_forever()
// 使其永远等待主线程向其发射 task"): main reads URLs, one a line, and
// hands each to the loop, which fetches the page and prints its title;
// "q" stops the loop.
//
// The Python original:
//
//	def start_loop(loop):
//	    asyncio.set_event_loop(loop)
//	    loop.run_forever()
//
//	async def end_loop():
//	    loop = asyncio.get_event_loop()
//	    loop.stop()
//
//	async def get_title(url):
//	    try:
//	        async with aiohttp.ClientSession() as session:
//	            async with session.get(url=url, headers=header) as response:
//	                page_text = await response.text()
//	                if title := re.search(r"(?<=\<title\>).*?(?=\</title\>)", page_text):
//	                    print(f"{url}: 解析网页标题为 {title.group()}")
//	                else:
//	                    print(f"{url}: 解析不到网页标题")
//	    except Exception as e:
//	        print(f"{url}: {e}")
//
//	new_loop = asyncio.new_event_loop()
//	t = Thread(target=start_loop, args=(new_loop,))
//	t.start()
//	while 1:
//	    new_loop.call_soon(print, "请输入完整url如https://t.com")
//	    ipt = input()
//	    if ipt == "q":
//	        asyncio.run_coroutine_threadsafe(end_loop(), new_loop)
//	        break
//	    else:
//	        asyncio.run_coroutine_threadsafe(get_title(input()), new_loop)
//	t.join()
//
// Three things of the seed are fixed here. It calls new_loop.call_soon
// from the main thread, which is not thread-safe: the prompt goes through
// CallSoonThreadsafe. It reads a second line for get_title(input()): the
// line read is the URL. And it does not wait for a page before reading
// on, so a title can print in the middle of the next prompt, and "q" can
// stop the loop while pages are still loading (their titles are lost):
// here main waits for each answer (ConcurrentFuture.Result) before it
// prompts again. The loop is still free meanwhile: the fetch itself
// (net/http, blocking) runs on the loop's executor through aio.ToThread,
// in place of aiohttp.
//
// Checked with CPython 3.13.0, with urllib in asyncio.to_thread in place
// of aiohttp (not installed) and with the same three fixes, against a
// local server with a page with a title, one without, and a closed port:
// prompt, "...: 解析网页标题为 Hello aio", prompt, "...: 解析不到网页标题",
// prompt, "...: <urlopen error [Errno 111] Connection refused>", prompt,
// then q ends it. This program prints the same lines, with Go's error text.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

const (
	prompt    = "请输入完整url如https://t.com"
	userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36 Edg/91.0.864.67"
)

// titleRE is the seed's (?<=\<title\>).*?(?=\</title\>) without the
// lookarounds, which Go's regexp lacks: the title is the first group.
var titleRE = regexp.MustCompile(`<title>(.*?)</title>`)

// fetch gets the page at url. It blocks, so it runs on the executor.
func fetch(client *http.Client, url string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	return string(page), err
}

// getTitle prints the title of the page at url, or why there is none.
func getTitle(t *aio.Task, w io.Writer, client *http.Client, url string) (struct{}, error) {
	page, err := aio.ToThread(t, func() (string, error) { return fetch(client, url) })
	switch {
	case errors.Is(err, aio.ErrCancelled):
		return struct{}{}, err
	case err != nil:
		fmt.Fprintf(w, "%s: %v\n", url, err)
	default:
		if m := titleRE.FindStringSubmatch(page); m != nil {
			fmt.Fprintf(w, "%s: 解析网页标题为 %s\n", url, m[1])
		} else {
			fmt.Fprintf(w, "%s: 解析不到网页标题\n", url)
		}
	}
	return struct{}{}, nil
}

// endLoop stops the loop it runs on.
func endLoop(t *aio.Task) (struct{}, error) {
	t.Loop().Stop()
	return struct{}{}, nil
}

// startLoop runs the loop until endLoop stops it, then closes it. It is
// the body of the loop's goroutine: the loop belongs to that goroutine.
func startLoop(loop *aio.Loop, done chan<- error) {
	err := loop.RunForever()
	done <- errors.Join(err, loop.Close())
}

// run prompts on w (from the loop) and reads URLs from in until a line
// "q" or the end of the input.
func run(w io.Writer, in io.Reader, opts ...aio.Option) (err error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	newLoop, err := aio.NewLoop(opts...)
	if err != nil {
		return err
	}
	loopDone := make(chan error, 1)
	go startLoop(newLoop, loopDone) // t.start()
	defer func() {
		// "q", the end of the input or an error: stop the loop, t.join().
		_, stopErr := aio.RunCoroutineThreadsafe(newLoop, endLoop)
		err = errors.Join(err, stopErr, <-loopDone)
	}()

	lines := bufio.NewScanner(in)
	for {
		if _, err := newLoop.CallSoonThreadsafe(func() { fmt.Fprintln(w, prompt) }); err != nil {
			return err
		}
		if !lines.Scan() {
			return lines.Err() // the end of the input counts as "q"
		}
		ipt := strings.TrimSpace(lines.Text())
		switch ipt {
		case "q":
			return nil
		case "":
			continue
		}
		cf, err := aio.RunCoroutineThreadsafe(newLoop, func(t *aio.Task) (struct{}, error) {
			return getTitle(t, w, client, ipt)
		})
		if err != nil {
			return err
		}
		if _, err := cf.Result(context.Background()); err != nil {
			return err
		}
	}
}

func main() {
	if err := run(os.Stdout, os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
