/**
 * Application services: registrations and the per-appservice transaction queues.
 */
package dev.lattice.appserviceapi;
