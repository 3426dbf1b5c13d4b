export { registerReflection } from './register.js';
