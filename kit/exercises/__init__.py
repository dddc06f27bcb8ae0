"""Teaching experiments on variation, as pure models (numpy only): no widgets, Bokeh or database.

:mod:`kit.exercises.red_beads` is Deming's red bead experiment and :mod:`kit.exercises.funnel`
his funnel experiment with its four adjustment rules. The guided apps that run them in a room
are built on these models (issue 12); the models alone are what the tests check against the
textbook behaviour.
"""
