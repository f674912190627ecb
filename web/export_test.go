package web

// LiveExchanges returns how many exchanges of r's loop are out of its
// pool: those of the connections with a request begun, r's included.
// Call it from r's handler.
func LiveExchanges(r *Request) int { return r.c.ls.exchanges }
