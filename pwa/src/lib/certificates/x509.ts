// @peculiar/x509 needs the Reflect metadata API (through tsyringe) before it loads; every import of it goes through here.
import 'reflect-metadata';
export * from '@peculiar/x509';
