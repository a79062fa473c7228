// Before Jest starts its workers: Node's compile cache for every process the tests start, as the workshop's
// commands use it (shared/workshop/process/compile-cache.ts says why and where; the folder is the same).
const path = require('node:path');

module.exports = () => {
  process.env.NODE_COMPILE_CACHE ||= path.resolve(__dirname, '..', '..', '..', '.local', 'compile-cache');
};
