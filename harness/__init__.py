"""What the tests and the benchmarks both need to drive the real app: a virtual X screen
(``x11``), and the app started as a real process in a home folder of its own (``process``)."""
