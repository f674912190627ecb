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
// those of CreateConnection. The reader has DefaultStreamLimit; change it
// with SetLimit.
//
// Cancellation: as for CreateConnection: an error matching ErrCancelled,
// and nothing is left open.
func OpenConnection(t *Task, network, address string, opts ...NetOption) (*StreamReader, *StreamWriter, error) {
	_, p, err := CreateConnection(t, newClientStream, network, address, opts...)
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

func newClientStream() *streamProtocol { return newStreamProtocol(nil) }

// streamFactory makes the protocols of a stream server.
func streamFactory(handler StreamHandler) func() *streamProtocol {
	return func() *streamProtocol { return newStreamProtocol(handler) }
}

// StartServer listens on address and runs handler in a new task for each
// connection (asyncio.start_server). network, address and options are
// those of CreateServer. Each reader has DefaultStreamLimit; a handler
// may change it with SetLimit before it reads.
//
// Cancellation: as for CreateServer (it suspends only to resolve a host
// name).
func StartServer(t *Task, handler StreamHandler, network, address string, opts ...NetOption) (*Server, error) {
	return CreateServer(t, streamFactory(handler), network, address, opts...)
}

// StartUnixServer is StartServer on a Unix-domain stream socket at path
// (asyncio.start_unix_server); path is handled as by CreateUnixServer.
//
// Cancellation: StartUnixServer does not suspend.
func StartUnixServer(t *Task, handler StreamHandler, path string, opts ...NetOption) (*Server, error) {
	return CreateUnixServer(t, streamFactory(handler), path, opts...)
}

// ServeStreamsMultiLoop is StartServer on several loops, as
// ServeMultiLoop: each connection's handler runs on the loop that
// accepted it. Call it from any goroutine but a loop's (it blocks until
// every loop serves).
func ServeStreamsMultiLoop(handler StreamHandler, network, address string, opts ...NetOption) (*MultiServer, error) {
	return ServeMultiLoop(streamFactory(handler), network, address, opts...)
}
