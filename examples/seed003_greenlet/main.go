// Command seed003_greenlet is the greenlet example of seed 003, written with
// coro greenlets.
//
// The Python original:
//
//	from greenlet import greenlet
//
//	def eat(name):
//	    print("%s eat 1" % name)
//	    g2.switch("egon")
//	    print("%s eat 2" % name)
//	    g2.switch()
//
//	def play(name):
//	    print("%s play 1" % name)
//	    g1.switch()
//	    print("%s play 2" % name)
//
//	g1 = greenlet(eat)
//	g2 = greenlet(play)
//
//	g1.switch("egon")  # arguments only at the first switch
//
// g1.switch("egon") starts eat("egon"); eat switches to play, which starts
// with "egon" and switches back into eat; eat's second switch resumes play,
// which returns, so control goes to play's parent, the main greenlet, and
// g1.switch returns. eat is left suspended in its second switch; Python
// kills it when it is garbage collected, here World.Close does.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aio-go/aio/coro"
)

func run(out io.Writer) (err error) {
	w := coro.NewWorld()
	defer func() { err = errors.Join(err, w.Close()) }()

	var g1, g2 *coro.Greenlet
	eat := func(args ...any) (any, error) {
		name := args[0].(string)
		fmt.Fprintf(out, "%s eat 1\n", name)
		if _, err := g2.Switch("egon"); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "%s eat 2\n", name)
		_, err := g2.Switch() // never returns but for w.Close's GreenletExit
		return nil, err
	}
	play := func(args ...any) (any, error) {
		name := args[0].(string)
		fmt.Fprintf(out, "%s play 1\n", name)
		if _, err := g1.Switch(); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "%s play 2\n", name)
		return nil, nil
	}
	g1 = w.NewGreenlet(eat)
	g2 = w.NewGreenlet(play)

	_, err = g1.Switch("egon") // arguments only at the first switch
	return err
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
