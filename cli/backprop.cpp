// backprop: command-line tool (being written; see README).
int main() { return 0; }
