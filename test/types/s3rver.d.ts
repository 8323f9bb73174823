/** The part of s3rver (a local S3-protocol server for tests) that the tests use. */
declare module 's3rver' {
  export default class S3rver {
    constructor (options: { port: number, address: string, directory: string, silent?: boolean, configureBuckets?: Array<{ name: string, configs: unknown[] }> })
    run (): Promise<unknown>
    close (): Promise<void>
  }
}
