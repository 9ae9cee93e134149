/**
 * The one import of @peculiar/x509 in the package. tsyringe (inside @peculiar/x509) throws at load
 * time without a Reflect metadata polyfill, so `reflect-metadata` is evaluated first here; every
 * file of src/x509 imports the library through this module, whatever entry point loads it.
 */
import 'reflect-metadata';
export * from '@peculiar/x509';
