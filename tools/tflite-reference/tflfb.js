// Minimal TFLite flatbuffer reader (schema v3): enough to list tensors and patch quantized_dimension.
'use strict';
function reader(buf){
  const dv=new DataView(buf.buffer,buf.byteOffset,buf.byteLength);
  const u32=o=>dv.getUint32(o,true), i32=o=>dv.getInt32(o,true), u16=o=>dv.getUint16(o,true);
  // returns absolute offset of field fid in table at t, or 0
  const field=(t,fid)=>{const vt=t-i32(t);const vlen=u16(vt);const fo=4+2*fid;if(fo>=vlen)return 0;const off=u16(vt+fo);return off?t+off:0;};
  const ref=o=>o+u32(o);
  const vec=(t,fid)=>{const f=field(t,fid);if(!f)return null;const v=ref(f);return {len:u32(v),at:i=>v+4+4*i,base:v+4};};
  const str=(t,fid)=>{const v=vec(t,fid);if(!v)return null;return buf.slice(v.base,v.base+v.len).toString('utf8');};
  return {dv,u32,i32,u16,field,ref,vec,str,root:u32(0)};
}
const TYPES=['float32','float16','int32','uint8','int64','string','bool','int16','complex64','int8','float64','complex128','uint64','resource','variant','uint32','uint16','int4'];
function tensors(buf){
  const r=reader(buf); const out=[];
  const sgs=r.vec(r.root,2);
  for(let s=0;s<sgs.len;s++){
    const sg=r.ref(sgs.at(s)); const ts=r.vec(sg,0);
    for(let i=0;i<ts.len;i++){
      const t=r.ref(ts.at(i));
      const sh=r.vec(t,0); const shape=[]; if(sh) for(let k=0;k<sh.len;k++) shape.push(r.i32(sh.base+4*k));
      const tf=r.field(t,1); const type=tf?buf[tf]:0;
      const q=r.field(t,4); let quant=null;
      if(q){const qt=r.ref(q); const sc=r.vec(qt,2); const qdF=r.field(qt,6);
        const zp=r.vec(qt,3);
        quant={nscale:sc?sc.len:0, qdim:qdF?r.i32(qdF):0, qdimOff:qdF,
          scale:sc&&sc.len?r.dv.getFloat32(sc.base,true):undefined,
          zeroPoint:zp&&zp.len?Number(r.dv.getBigInt64(zp.base,true)):undefined};}
      out.push({subgraph:s,index:i,name:r.str(t,3),type:TYPES[type]||type,shape,quant});
    }
  }
  return out;
}
// Returns a patched copy in which quantized_dimension >= rank is set to 0 (only when stored explicitly).
function fixQuantDim(buf){
  const copy=Buffer.from(buf); const fixed=[];
  for(const t of tensors(buf)){
    if(t.quant&&t.quant.qdimOff&&t.shape.length>0&&t.quant.qdim>=t.shape.length){
      copy.writeInt32LE(0,t.quant.qdimOff); fixed.push(t);
    }
  }
  return {buf:copy,fixed};
}
// Returns a copy whose subgraph-0 output list is just tensor `idx` (vector shrunk in place),
// so an intermediate tensor can be read back as the model output.
function setOutput(buf, idx){
  const copy=Buffer.from(buf); const r=reader(copy);
  const sg=r.ref(r.vec(r.root,2).at(0)); const f=r.field(sg,2); const v=r.ref(f);
  copy.writeUInt32LE(1,v); copy.writeInt32LE(idx,v+4); return copy;
}
module.exports={tensors,fixQuantDim,setOutput};
if(require.main===module){
  const b=require('fs').readFileSync(process.argv[2]);
  for(const t of tensors(b)) console.log(t.subgraph,t.index,t.type,JSON.stringify(t.shape),t.name,t.quant?`nscale=${t.quant.nscale} qdim=${t.quant.qdim} scale=${t.quant.scale} zp=${t.quant.zeroPoint}`:'');
}
