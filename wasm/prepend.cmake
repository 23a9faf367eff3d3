# cmake -DPRE=FILE -DFILE=FILE -P prepend.cmake: FILE becomes PRE's text, then FILE's.
file(READ ${PRE} pre)
file(READ ${FILE} body)
file(WRITE ${FILE} "${pre}${body}")
