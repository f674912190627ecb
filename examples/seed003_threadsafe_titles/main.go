// Command seed003_threadsafe_titles is the "loop in another thread" example
// of seed 003 ("可以在新线程中使用 loop.run_forever()
// 使其永远等待主线程向其发射 task"): a loop runs forever in a goroutine of
// its own; main reads URLs from standard input, one a line, and hands
// each to the loop with RunCoroutineThreadsafe; the loop fetches the page
// and prints its title; "q" (or the end of the input) stops the loop.
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
// Here the page is fetched on the loop itself, over aio streams
// (OpenConnection, a HTTP/1.0 GET, ReadLine for the head: package
// examples/internal/streamhttp), where the original uses aiohttp: aio has
// no web client yet, and so only http:// URLs work (an https:// URL
// prints that it is not supported). seed004_threadsafe_loop is the same
// program with net/http on the loop's executor.
//
// As in seed004_threadsafe_loop, three things of the seed are fixed: the
// prompt goes through CallSoonThreadsafe (call_soon from another thread
// is not thread-safe), the URL is the line read (the seed reads a second
// line for get_title(input())), and main waits for each title before it
// prompts again (in the seed a title can print inside the next prompt, and
// "q" can stop the loop while pages load).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/examples/internal/streamhttp"
)

const (
	prompt    = "请输入完整url如https://t.com"
	userAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36 Edg/91.0.864.67"
)

// titleRE is the seed's (?<=\<title\>).*?(?=\</title\>) without the
// lookarounds, which Go's regexp lacks: the title is the first group.
var titleRE = regexp.MustCompile(`<title>(.*?)</title>`)

// getTitle prints the title of the page at url, or why there is none.
func getTitle(t *aio.Task, w io.Writer, url string) (struct{}, error) {
	resp, err := streamhttp.Get(t, url, userAgent)
	switch {
	case errors.Is(err, aio.ErrCancelled):
		return struct{}{}, err
	case err != nil:
		fmt.Fprintf(w, "%s: %v\n", url, err)
	default:
		if m := titleRE.FindSubmatch(resp.Body); m != nil {
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

// run prompts on w (from the loop) and reads URLs from in until a line
// "q" or the end of the input.
func run(w io.Writer, in io.Reader) (err error) {
	newLoop, err := aio.NewLoop()
	if err != nil {
		return err
	}
	loopDone := make(chan error, 1)
	go func() { // t = Thread(target=start_loop, ...); t.start()
		err := newLoop.RunForever()
		loopDone <- errors.Join(err, newLoop.Close())
	}()
	defer func() { // "q", the end of the input or an error; t.join()
		_, stopErr := aio.RunCoroutineThreadsafe(newLoop, endLoop)
		err = errors.Join(err, stopErr, <-loopDone)
	}()
	lines := bufio.NewScanner(in)
	for {
		if _, err := newLoop.CallSoonThreadsafe(func() { fmt.Fprintln(w, prompt) }); err != nil {
			return err
		}
		if !lines.Scan() {
			return lines.Err()
		}
		ipt := strings.TrimSpace(lines.Text())
		switch ipt {
		case "q":
			return nil
		case "":
			continue
		}
		cf, err := aio.RunCoroutineThreadsafe(newLoop, func(t *aio.Task) (struct{}, error) {
			return getTitle(t, w, ipt)
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
