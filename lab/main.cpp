#include <cstdio>
#include "moelab_build_info.hpp"
int main() { std::printf("moelab %s\n", moelab::build_info::version); return 0; }
