/** Operator configuration shared by every service ({@code lattice.*}). */
package dev.lattice.runtime.config;
