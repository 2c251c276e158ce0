// Placeholder until the command line lands.
#include <cstdio>
int main() { std::puts("simshard: not built yet"); return 1; }
