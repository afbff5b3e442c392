import Koa from 'koa';
import Router from '@koa/router';

// The baseline every figure is divided by: Koa and its router answering a small JSON, nothing else.
const app = new Koa();
const router = new Router();
router.get('/hello', (ctx) => {
  ctx.body = { status: 'ok' };
});
app.use(router.routes());
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
