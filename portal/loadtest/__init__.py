"""Load tools of `make bench` and `make soak`: servers, the wrk runs, the traffic and checks."""
