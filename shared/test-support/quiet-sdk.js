// The AWS SDK's notice that its 2027 releases need Node.js 22 says nothing about the code under test:
// keep it out of every test's output (the chapters' READMEs explain it to learners).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
