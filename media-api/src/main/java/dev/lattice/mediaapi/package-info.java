/**
 * The content repository: media metadata, local and cached remote media, thumbnails, URL previews.
 */
package dev.lattice.mediaapi;
