package aio

// ServeMultiLoopPerLoop is [ServeMultiLoop] with one protocol factory per
// loop: setup is called once for each loop, on that loop's goroutine
// before it serves, with the loop, and the factory it returns makes the
// protocols of the connections that loop accepts. What lives per loop (a
// cached Date header, a deadline wheel, a buffer pool) belongs in
// setup's closure: the loop's protocols share it with no lock, since
// they all run on that loop's goroutine. setup must not block; a panic
// in it fails ServeMultiLoopPerLoop.
//
// The factories of [CreateServer] and [CreateConnection] need no such form:
// they run on the loop of the task that calls them ([Task.Loop]), and a
// protocol's transport knows its loop ([BaseTransport.Loop]).
func ServeMultiLoopPerLoop[P Protocol](setup func(l *Loop) func() P, network, address string, opts ...NetOption) (*MultiServer, error) {
	perLoop := func(c *netConfig) {
		c.perLoop = func(l *Loop) func() Protocol {
			f := setup(l)
			if f == nil {
				panic("aio: ServeMultiLoopPerLoop: setup returned a nil factory")
			}
			return protocolFactory(f)
		}
	}
	return ServeMultiLoop(unusedFactory[P], network, address, append(opts[:len(opts):len(opts)], perLoop)...)
}

// unusedFactory stands for the factory of ServeMultiLoop when each loop
// has its own (netConfig.perLoop).
func unusedFactory[P Protocol]() P { panic("aio: the per-loop factory was not installed") }
