package aio

// StreamHandler serves one connection of a stream server
// (asyncio's client_connected_cb). It runs as a task of its own, on the
// loop that accepted the connection. A handler that returns nil leaves
// the connection open, as asyncio does (close the writer to end it); one
// that returns an error, or is cancelled, has the connection closed, and
// its error goes to the loop's exception handler.
type StreamHandler func(t *Task, r *StreamReader, w *StreamWriter) error

// OpenConnection connects to address and returns the connection's reader
// and writer (asyncio.open_connection). network, address and options are
// those of CreateConnection, plus [StreamLimit] for the reader's limit
// (DefaultStreamLimit without it; SetLimit changes it later).
//
// Cancellation: as for CreateConnection: an error matching ErrCancelled,
// and nothing is left open.
func OpenConnection(t *Task, network, address string, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	_, p, err := CreateConnection(t, streamFactory(nil, opts), network, address, opts...)
	if err != nil {
		return nil, nil, err
	}
	return &p.r, &p.w, nil
}

// OpenAccepted wraps fd, a connected stream socket accepted or made
// outside the loop, as a stream and returns its reader and writer: the
// streams counterpart of [ConnectAccepted] (asyncio:
// loop.connect_accepted_socket with a StreamReaderProtocol). The
// transport takes fd over and closes it when the connection ends. Of the
// options only [StreamLimit] applies. Call it from the loop's goroutine;
// it does not suspend.
func OpenAccepted(l *Loop, fd int, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	_, p, err := ConnectAccepted(l, streamFactory(nil, opts), fd)
	if err != nil {
		return nil, nil, err
	}
	return &p.r, &p.w, nil
}

// OpenUnixConnection connects to the Unix-domain stream socket at path
// (asyncio.open_unix_connection). See OpenConnection.
//
// Cancellation: as for OpenConnection.
func OpenUnixConnection(t *Task, path string, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	return OpenConnection(t, "unix", path, opts...)
}

// streamFactory makes the protocols of a stream server (a client's
// stream when handler is nil), with the reader limit of opts.
func streamFactory(handler StreamHandler, opts []NetOption) func() *streamProtocol {
	limit := newNetConfig(opts).streamLimit
	return func() *streamProtocol {
		p := newStreamProtocol(handler)
		p.r.SetLimit(limit)
		return p
	}
}

// StartServer listens on address and runs handler in a new task for each
// connection (asyncio.start_server). network, address and options are
// those of CreateServer, plus [StreamLimit] for each reader's limit
// (DefaultStreamLimit without it; a handler may change it with SetLimit).
//
// Cancellation: as for CreateServer (it suspends only to resolve a host
// name).
func StartServer(t *Task, handler StreamHandler, network, address string, opts ...NetOption) (*Server, error) {
	return CreateServer(t, streamFactory(handler, opts), network, address, opts...)
}

// StartUnixServer is StartServer on a Unix-domain stream socket at path
// (asyncio.start_unix_server); path is handled as by CreateUnixServer.
//
// Cancellation: StartUnixServer does not suspend.
func StartUnixServer(t *Task, handler StreamHandler, path string, opts ...NetOption) (*Server, error) {
	return CreateUnixServer(t, streamFactory(handler, opts), path, opts...)
}

// ServeStreamsMultiLoop is StartServer on several loops, as
// ServeMultiLoop: each connection's handler runs on the loop that
// accepted it. Call it from any goroutine but a loop's (it blocks until
// every loop serves).
func ServeStreamsMultiLoop(handler StreamHandler, network, address string, opts ...NetOption) (*MultiServer, error) {
	return ServeMultiLoop(streamFactory(handler, opts), network, address, opts...)
}
