/** Network rules shared by the services that connect to addresses other people choose. */
package dev.lattice.runtime.net;
