"""The bits of a character code in the aligned score's encoding (:mod:`dedupe.aligned`): shared
by the encoder and its kernels, in a module of its own so that loading the scorer (every plugin
load, `dedupe --help`) imports no kernel backend."""

#: The code point bits of a character code; the bits above them mark a letter of a name and a
#: digit of a figure.
CODE = 0x1FFFFF
NAME = 0x200000
FIGURE = 0x400000
#: Marks the first character of every word (words are compared one by one).
START = 0x800000
