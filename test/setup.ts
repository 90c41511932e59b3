// Install the message texts, as `import 'klaviyo-device-mode/messages'` does: tests assert full texts.
import '../src/logger/messages.js';
