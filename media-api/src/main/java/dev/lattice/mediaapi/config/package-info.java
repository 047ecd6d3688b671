/** The media-api's settings, {@code lattice.media.*}. */
package dev.lattice.mediaapi.config;
