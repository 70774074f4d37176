"""The speaker agent (`radio speaker`): the program on a village's receiver box.

It holds its village's schedule and audio ahead of time, so a dropped 3G/4G link or a station restart
does not silence the loudspeakers, and it starts each item on the station's clock so that loudspeakers
of one village do not echo each other.
"""
