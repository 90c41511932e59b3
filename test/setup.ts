// Install the message texts, as a developer would: the tests assert full texts.
import { installMessages } from '../src/logger/messages.js';

installMessages();
