// session.cpp: the training session (being written).
