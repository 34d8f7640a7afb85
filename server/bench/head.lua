-- wrk script: HEAD /ping on every kept-alive connection.
wrk.method = "HEAD"
wrk.path = "/ping"
