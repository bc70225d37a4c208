// The live differential suite against Go's text/template (`npm run test:differential`): the tests
// that spawn tools-bin/gotemplate-oracle. Everything else runs under jest.config.cjs (`npm test`),
// which needs neither Go nor ../shared.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/differential/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 600000,
};
